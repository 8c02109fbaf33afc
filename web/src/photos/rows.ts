import { SETTLED_PHOTO_STATUSES, type PhotoStatus, type PhotoType, type PhotoView } from '../../../shared/photos';

/**
 * What the upload step shows per photo: the server's record (its verdict)
 * joined with what this tab knows of the file it is sending (checks, progress,
 * the preview), so a photo keeps one row from the moment it is picked.
 */

/** Where a photo picked in this tab is, before the server has a verdict on it. */
export type LocalPhase =
  /** The browser is checking the file. */
  | 'checking'
  /** The browser's checks refused it; never sent. */
  | 'refused'
  /** Waiting for an upload slot. */
  | 'waiting'
  /** Being sent. */
  | 'uploading'
  /** Sent; the server checks it now. */
  | 'sent'
  /** The upload failed; it can be tried again. */
  | 'failed';

export interface LocalPhoto {
  /** This tab's key for the row. */
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly phase: LocalPhase;
  /** 0..1 while uploading. */
  readonly progress: number;
  /** An object URL of the file, for formats the browser can show. */
  readonly previewUrl?: string;
  readonly contentType?: PhotoType;
  /** Why the browser refused it, or why the upload failed. */
  readonly message?: string;
  /** Something to know though it goes ahead (HEIC is measured by the server). */
  readonly note?: string;
  /** The server's photo ID, once the upload was granted. */
  readonly photoId?: string;
}

/** A row's status: a local phase until the server has the photo, then the server's status. */
export type RowStatus = Exclude<LocalPhase, 'sent'> | PhotoStatus;

export interface PhotoRow {
  readonly key: string;
  readonly name: string;
  readonly status: RowStatus;
  /** 0..1, while uploading. */
  readonly progress?: number;
  /** The verdict's reason, the browser's refusal or the upload's failure. */
  readonly message?: string;
  readonly note?: string;
  /** The server's signed link to the normalised photo (accepted photos), else the local preview. */
  readonly thumbnailUrl?: string;
  /** A HEIC the browser cannot preview (until the server's normalised copy exists). */
  readonly heic: boolean;
  readonly photoId?: string;
  readonly local?: LocalPhoto;
  readonly photo?: PhotoView;
}

const isHeic = (local: LocalPhoto | undefined, name: string) =>
  local?.contentType === 'image/heic' || local?.contentType === 'image/heif' || /\.hei[cf]$/i.test(name);

/** How long a photo record may stay UPLOADING before it counts as abandoned (the presigned POST lives 15 minutes). */
export const ABANDONED_UPLOAD_MS = 16 * 60_000;

/** Whether the server has yet to give this photo its verdict (an upload abandoned long ago is not waited for). */
export function isPhotoPending(photo: Pick<PhotoView, 'status' | 'createdAt'>, now = Date.now()): boolean {
  if (SETTLED_PHOTO_STATUSES.includes(photo.status)) return false;
  if (photo.status === 'UPLOADING') return now - Date.parse(photo.createdAt) < ABANDONED_UPLOAD_MS;
  return true;
}

/**
 * The rows of the upload step, in a stable order: the server's photos that
 * this tab did not send (an earlier visit), oldest first; then the photos
 * picked in this tab in the order they were picked, each joined with the
 * server's record once it has one (its verdict).
 */
export function photoRows(photos: readonly PhotoView[], locals: readonly LocalPhoto[]): PhotoRow[] {
  const byId = new Map(photos.map((photo) => [photo.photoId, photo]));
  const sentHere = new Set(locals.map((l) => l.photoId).filter((id): id is string => Boolean(id)));
  const earlier: PhotoRow[] = [...photos]
    .filter((photo) => !sentHere.has(photo.photoId))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((photo) => ({
      key: photo.photoId,
      name: photo.fileName,
      status: photo.status,
      message: photo.reason,
      thumbnailUrl: photo.url,
      heic: isHeic(undefined, photo.fileName),
      photoId: photo.photoId,
      photo,
    }));
  const picked = locals.map((local): PhotoRow => {
    const photo = local.photoId ? byId.get(local.photoId) : undefined;
    const localPhase = local.phase !== 'sent' || !photo ? local.phase : undefined;
    // Sent from this tab while the server still says UPLOADING (or has not been read since): the bytes are there, the check is next.
    const status: RowStatus = localPhase === 'sent' ? 'VALIDATING' : (localPhase ?? (photo!.status === 'UPLOADING' ? 'VALIDATING' : photo!.status));
    return {
      key: local.key,
      name: photo?.fileName ?? local.name,
      status,
      progress: status === 'uploading' ? local.progress : undefined,
      message: localPhase ? local.message : photo?.reason,
      note: local.note,
      thumbnailUrl: photo?.url ?? local.previewUrl,
      heic: isHeic(local, local.name),
      photoId: local.photoId,
      local,
      photo,
    };
  });
  return [...earlier, ...picked];
}

/** Photos the server accepted. */
export function acceptedCount(photos: readonly Pick<PhotoView, 'status'>[]): number {
  return photos.filter((photo) => photo.status === 'ACCEPTED').length;
}

/** Photo records the order holds or will hold once the uploads in flight are granted (the server's limit counts them all). */
export function slotsUsed(photos: readonly PhotoView[], locals: readonly LocalPhoto[]): number {
  const known = new Set(photos.map((p) => p.photoId));
  const inFlight = locals.filter((l) => (l.phase === 'checking' || l.phase === 'waiting' || l.phase === 'uploading' || l.phase === 'sent') && !(l.photoId && known.has(l.photoId)));
  return photos.length + inFlight.length;
}

/** What a row's status reads as. */
export const ROW_STATUS_LABELS: Readonly<Record<RowStatus, string>> = {
  checking: 'Checking the file',
  refused: 'Not uploaded',
  waiting: 'Waiting to upload',
  uploading: 'Uploading',
  failed: 'Upload failed',
  UPLOADING: 'Waiting for the upload',
  VALIDATING: 'Checking',
  ACCEPTED: 'Accepted',
  REJECTED: 'Not usable',
  DUPLICATE: 'Duplicate',
};

/** The badge colour of a row's status. */
export function rowTone(status: RowStatus): 'progress' | 'success' | 'danger' | 'neutral' {
  if (status === 'ACCEPTED') return 'success';
  if (status === 'refused' || status === 'failed' || status === 'REJECTED' || status === 'DUPLICATE') return 'danger';
  if (status === 'waiting') return 'neutral';
  return 'progress';
}
