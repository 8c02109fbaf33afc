import type { ReviewImageView as GeneratedImageView } from '../../../../shared/api/review';
import { ENGINE_PRESETS, POSES } from '../../../../shared/generation';
import type { OrderStatus, OrderView } from '../../../../shared/orders';

/*
 * What the admin's views of production show, as plain functions: which orders
 * have images to show, how they are grouped, filtered and summed up, and how
 * scores, rates and prices read on screen. The views in this folder only lay
 * these out.
 */

/** Which images the admin looks at: all of them, the keepers, or those the likeness check set aside. */
export type ImageFilter = 'all' | 'kept' | 'set-aside';

export const IMAGE_FILTERS: readonly { readonly id: ImageFilter; readonly label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'kept', label: 'Kept' },
  { id: 'set-aside', label: 'Set aside by the likeness check' },
];

/**
 * Whether the order has generated images to show: once it generates, and after
 * (in review, or failed after generation started).
 */
export function showsImages(order: Pick<OrderView, 'status' | 'timeline'>): boolean {
  if (order.status === 'GENERATING' || order.status === 'PENDING_REVIEW' || order.status === 'DELIVERED') return true;
  return order.status === 'FAILED' && order.timeline.some((entry) => entry.status === 'GENERATING');
}

/** Whether images are still being added: the list is read again now and then. */
export function refreshesImages(status: OrderStatus | string): boolean {
  return status === 'GENERATING';
}

export function filterImages(images: readonly GeneratedImageView[], filter: ImageFilter): GeneratedImageView[] {
  if (filter === 'kept') return images.filter((image) => image.status === 'KEPT');
  if (filter === 'set-aside') return images.filter((image) => image.status === 'REJECTED');
  return [...images];
}

/** The images of one style, in pose order. */
export interface StyleGroup {
  readonly styleId: string;
  readonly name: string;
  readonly images: readonly GeneratedImageView[];
}

const POSE_ORDER = new Map<string, number>(POSES.map((pose, i) => [pose.id, i]));
const poseRank = (poseId: string) => POSE_ORDER.get(poseId) ?? POSES.length;

/**
 * The images by style, in the order's order of styles (styles the order does not
 * name follow, by ID); within a style by pose as the product lists them, then slot.
 * Styles without images are left out.
 */
export function groupByStyle(images: readonly GeneratedImageView[], styles: readonly { readonly styleId: string; readonly name: string }[]): StyleGroup[] {
  const byStyle = new Map<string, GeneratedImageView[]>();
  for (const image of images) byStyle.set(image.styleId, [...(byStyle.get(image.styleId) ?? []), image]);
  const known = styles.map((style) => style.styleId);
  const others = [...byStyle.keys()].filter((id) => !known.includes(id)).sort();
  return [...known, ...others].flatMap((styleId) => {
    const list = byStyle.get(styleId);
    if (!list) return [];
    const name = styles.find((style) => style.styleId === styleId)?.name ?? humanise(styleId);
    return [{ styleId, name, images: [...list].sort((a, b) => poseRank(a.poseId) - poseRank(b.poseId) || a.slot - b.slot) }];
  });
}

/** What the images add up to. */
export interface ImageSummary {
  readonly made: number;
  readonly kept: number;
  readonly setAside: number;
  /** Images that took more than one try. */
  readonly retried: number;
  readonly attempts: number;
  /** The list price of every try, in US dollars. */
  readonly listPriceUsd: number;
}

export function summarise(images: readonly GeneratedImageView[]): ImageSummary {
  const kept = images.filter((image) => image.status === 'KEPT').length;
  return {
    made: images.length,
    kept,
    setAside: images.length - kept,
    retried: images.filter((image) => image.attempts.length > 1).length,
    attempts: images.reduce((sum, image) => sum + Math.max(1, image.attempts.length), 0),
    listPriceUsd: Math.round(images.reduce((sum, image) => sum + image.listPriceUsd, 0) * 10_000) / 10_000,
  };
}

/** How many images each filter shows. */
export function filterCounts(images: readonly GeneratedImageView[]): Record<ImageFilter, number> {
  const { made, kept, setAside } = summarise(images);
  return { all: made, kept, 'set-aside': setAside };
}

/**
 * The new list with each image keeping the preview link it had: the API signs a
 * fresh link on every read, and a new `src` would download every preview again
 * each time the list is refreshed. The links last an hour; the list is refreshed
 * only while the order generates.
 */
export function withStableLinks(previous: readonly GeneratedImageView[] | undefined, next: readonly GeneratedImageView[]): GeneratedImageView[] {
  const links = new Map((previous ?? []).filter((image) => image.previewUrl).map((image) => [image.imageId, image.previewUrl]));
  return next.map((image) => {
    const link = links.get(image.imageId);
    return link && image.previewUrl ? { ...image, previewUrl: link } : image;
  });
}

/** Whether two lists show the same (preview links aside), so a refresh that changed nothing re-renders nothing. */
export function sameImages(a: readonly GeneratedImageView[], b: readonly GeneratedImageView[]): boolean {
  const key = (list: readonly GeneratedImageView[]) => JSON.stringify(list, (name, value: unknown) => (name === 'previewUrl' ? Boolean(value) : value));
  return a.length === b.length && key(a) === key(b);
}

/** A score or share (0..1) as a whole percentage: 0.8234 → "82%". */
export function percent(share: number): string {
  if (!Number.isFinite(share)) return '–';
  return `${Math.round(clamp01(share) * 100)}%`;
}

/** A rate with one decimal when it is small: 0.125 → "12.5%", 0 → "0%". */
export function ratePercent(rate: number): string {
  if (!Number.isFinite(rate)) return '–';
  return `${Math.round(clamp01(rate) * 1000) / 10}%`;
}

/** A length in percent of its track, for CSS: 0.8234 → "82.34%". */
export function barWidth(share: number): string {
  return `${(Number.isFinite(share) ? clamp01(share) * 100 : 0).toFixed(2)}%`;
}

/** Whether a score passes the likeness check (at or above the threshold, as the lock judges). */
export function passes(score: number, threshold: number): boolean {
  return score >= threshold;
}

/** What a score means beside the threshold, for screen readers and tooltips. */
export function scoreText(score: number, threshold: number): string {
  return `Likeness ${percent(score)}, ${passes(score, threshold) ? 'at or above' : 'below'} the ${percent(threshold)} threshold`;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** A list price in US dollars, to a hundredth of a cent where it has one: 0.035 → "$0.035", 0.42 → "$0.42". */
export function formatUsd(amount: number): string {
  return usd.format(amount);
}

/** The pose's label (the product's poses); an unknown ID as it is. */
export function poseLabel(poseId: string): string {
  return POSES.find((pose) => pose.id === poseId)?.label ?? poseId;
}

/** The engine preset's label: "balanced" → "Balanced"; an unknown ID as it is. */
export function engineLabel(engine: string): string {
  return (ENGINE_PRESETS as Readonly<Record<string, { label: string } | undefined>>)[engine]?.label ?? engine;
}

/** A readable name for an ID when nothing better is known: "corporate-grey" → "Corporate grey". */
export function humanise(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : id;
}

/** "1 attempt", "3 attempts". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

// ---------- The identity lock's figures ----------

export interface LockRow {
  readonly engine: string;
  readonly styleId: string;
  readonly judged: number;
  readonly rejected: number;
  readonly rejectionRate: number;
  readonly slotsRejected: number;
}

/** Every row added up: images judged, sent back, the rate over all of them, slots set aside. */
export function lockTotals(rows: readonly LockRow[]): Omit<LockRow, 'engine' | 'styleId'> {
  const judged = rows.reduce((sum, row) => sum + row.judged, 0);
  const rejected = rows.reduce((sum, row) => sum + row.rejected, 0);
  return {
    judged,
    rejected,
    rejectionRate: judged ? Math.round((rejected / judged) * 1000) / 1000 : 0,
    slotsRejected: rows.reduce((sum, row) => sum + row.slotsRejected, 0),
  };
}

/** The rows by engine (in the order of the presets, unknown engines after), worst rate first within each. */
export function lockChart(rows: readonly LockRow[]): { readonly engine: string; readonly rows: readonly LockRow[] }[] {
  const engines = [...new Set(rows.map((row) => row.engine))].sort((a, b) => engineRank(a) - engineRank(b) || a.localeCompare(b));
  return engines.map((engine) => ({
    engine,
    rows: rows.filter((row) => row.engine === engine).sort((a, b) => b.rejectionRate - a.rejectionRate || a.styleId.localeCompare(b.styleId)),
  }));
}

const ENGINE_ORDER: readonly string[] = Object.keys(ENGINE_PRESETS);
const engineRank = (engine: string) => {
  const i = ENGINE_ORDER.indexOf(engine);
  return i === -1 ? ENGINE_ORDER.length : i;
};

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
