import type { GalleryImage } from '../../../shared/delivery';

/*
 * What the customer's gallery works out, as plain functions: how files and
 * sizes read, which images a filter shows, where the viewer moves, when the
 * signed links must be asked for again, and the favourites kept in the browser.
 */

/**
 * A size in bytes as a person reads it, in decimal units as file managers show
 * them: 812 → "812 B", 48_213 → "48 KB", 3_140_000 → "3.1 MB", 12_400_000 → "12 MB".
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const shown = value < 9.95 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown} ${units[unit]}`;
}

const FORMATS: Readonly<Record<string, string>> = { jpeg: 'JPEG', jpg: 'JPEG', png: 'PNG', webp: 'WebP', tiff: 'TIFF', avif: 'AVIF' };
const VARIANTS: Readonly<Record<string, string>> = { preview: 'Preview', master: 'Master', print: 'Print' };

/** A file format as it is written: "jpeg" → "JPEG", "webp" → "WebP". */
export function formatLabel(format: string): string {
  return FORMATS[format.toLowerCase()] ?? format.toUpperCase();
}

/** A file of an image as its download link reads: "Print · JPEG · 4096×4096 · 3.1 MB". */
export function fileLabel(file: Pick<GalleryImage['files'][number], 'name' | 'format' | 'width' | 'height' | 'size'>): string {
  const name = VARIANTS[file.name] ?? (file.name ? file.name.charAt(0).toUpperCase() + file.name.slice(1) : 'File');
  return `${name} · ${formatLabel(file.format)} · ${file.width}×${file.height} · ${formatBytes(file.size)}`;
}

/** The file name a download is saved under: "headshot-corporate-grey-front-0-print.jpg". */
export function downloadName(image: Pick<GalleryImage, 'imageId'>, file: Pick<GalleryImage['files'][number], 'name' | 'format'>): string {
  const extension = file.format.toLowerCase() === 'jpeg' ? 'jpg' : file.format.toLowerCase();
  return `headshot-${image.imageId}-${file.name}.${extension}`;
}

/** The label of the ZIP button: "Download all (ZIP, 12 MB)". */
export function archiveLabel(archive: { readonly size: number } | undefined): string {
  return archive ? `Download all (ZIP, ${formatBytes(archive.size)})` : 'Download all (ZIP)';
}

export type GalleryFilter = 'all' | 'favourites';

export function filterGallery<T extends Pick<GalleryImage, 'imageId'>>(images: readonly T[], filter: GalleryFilter, favourites: ReadonlySet<string>): T[] {
  return filter === 'favourites' ? images.filter((image) => favourites.has(image.imageId)) : [...images];
}

/** The index `delta` places from `index` among `count` images, wrapping round at both ends. */
export function wrapIndex(index: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  return (((index + delta) % count) + count) % count;
}

/** What a key does in the full-size viewer. */
export type ViewerKey = 'previous' | 'next' | 'close';

export function viewerKey(key: string): ViewerKey | undefined {
  if (key === 'ArrowLeft') return 'previous';
  if (key === 'ArrowRight') return 'next';
  if (key === 'Escape') return 'close';
  return undefined;
}

/** Never wait longer than this at once: `setTimeout` overflows past 2^31 − 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * How long until the gallery's signed links must be asked for again: a little
 * before they expire, so a click never meets an expired link; 0 when they
 * have (or the time is unreadable).
 */
export function refreshDelay(linksValidUntil: string, now: Date = new Date(), marginMs = 30_000): number {
  const until = Date.parse(linksValidUntil);
  if (!Number.isFinite(until)) return 0;
  return Math.min(MAX_TIMER_MS, Math.max(0, until - marginMs - now.getTime()));
}

// ---------- Favourites, kept in the browser per order ----------

/** Enough of `Storage` for the favourites (and for tests). */
export type FavouriteStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function favouritesKey(orderId: string): string {
  return `headshots.favourites.${orderId}`;
}

/** The image IDs marked as favourites of an order; none when storage is unavailable or holds something else. */
export function loadFavourites(storage: FavouriteStorage | undefined, orderId: string): Set<string> {
  try {
    const raw = storage?.getItem(favouritesKey(orderId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Saves the favourites (none: the entry is removed). A full or blocked storage keeps them for this visit only. */
export function saveFavourites(storage: FavouriteStorage | undefined, orderId: string, favourites: ReadonlySet<string>): void {
  try {
    if (favourites.size === 0) storage?.removeItem(favouritesKey(orderId));
    else storage?.setItem(favouritesKey(orderId), JSON.stringify([...favourites].sort()));
  } catch {
    // Private browsing or a full quota: favourites last until the page closes.
  }
}

/** The favourites with one image marked or unmarked. */
export function toggleFavourite(favourites: ReadonlySet<string>, imageId: string): Set<string> {
  const next = new Set(favourites);
  if (next.has(imageId)) next.delete(imageId);
  else next.add(imageId);
  return next;
}
