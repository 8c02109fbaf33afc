import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createPhotoUpload, deletePhoto } from '../../../shared/api/photos';
import type { OrderView } from '../../../shared/orders';
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_ORDER, MIN_ACCEPTED_PHOTOS, MIN_PHOTO_SIDE, PHOTO_EXTENSIONS, PHOTO_TYPES, type PhotoType } from '../../../shared/photos';
import { ApiError, ErrorCodes } from '../api/client';
import { useApp } from '../app/context';
import { Spinner } from '../ui/Spinner';
import { checkPhoto, formatBytes } from './checks';
import { acceptedCount, photoRows, ROW_STATUS_LABELS, rowTone, slotsUsed, type LocalPhoto, type PhotoRow } from './rows';
import { postPresigned, TaskQueue, UploadError } from './upload';

const ACCEPT = [...PHOTO_EXTENSIONS, ...PHOTO_TYPES].join(',');

let nextKey = 0;

interface UploadStepProps {
  readonly order: OrderView;
  /** Reads the order again now (and keeps reading while photos are being checked). */
  refresh(): void;
  /** Goes on to the review step. */
  onContinue(): void;
}

/**
 * The upload step: pick or drop selfies, instant checks in the browser, then
 * up to three uploads at a time straight to S3 with a progress bar each, and
 * the server's verdict per photo as it arrives.
 */
export function UploadStep({ order, refresh, onContinue }: UploadStepProps) {
  const app = useApp();
  const [locals, setLocals] = useState<readonly LocalPhoto[]>([]);
  const [dragging, setDragging] = useState(false);
  const [removing, setRemoving] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const queue = useMemo(() => new TaskQueue(), []);
  const files = useRef(new Map<string, { file: File; contentType?: PhotoType }>());
  const aborts = useRef(new Map<string, AbortController>());
  const replacing = useRef<PhotoRow>();
  const picker = useRef<HTMLInputElement>(null);
  const replacePicker = useRef<HTMLInputElement>(null);
  const latest = useRef({ order, locals });
  latest.current = { order, locals };

  const photos = order.photos ?? [];
  const rows = photoRows(photos, locals);
  const accepted = acceptedCount(photos);
  const busy = locals.some((l) => l.phase === 'checking' || l.phase === 'waiting' || l.phase === 'uploading');
  const checking = rows.some((row) => row.status === 'VALIDATING' || row.status === 'UPLOADING');

  const update = (key: string, change: Partial<LocalPhoto>) => setLocals((current) => current.map((l) => (l.key === key ? { ...l, ...change } : l)));
  const drop = (key: string) => {
    setLocals((current) => {
      const gone = current.find((l) => l.key === key);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return current.filter((l) => l.key !== key);
    });
    files.current.delete(key);
    aborts.current.get(key)?.abort();
    aborts.current.delete(key);
  };

  // Object URLs live as long as the step; uploads stop when it goes.
  useEffect(
    () => () => {
      for (const controller of aborts.current.values()) controller.abort();
      for (const local of latest.current.locals) if (local.previewUrl) URL.revokeObjectURL(local.previewUrl);
    },
    [],
  );

  // Say each verdict once, as it arrives.
  const verdicts = useRef(new Map<string, string>());
  useEffect(() => {
    const news: string[] = [];
    for (const photo of photos) {
      const before = verdicts.current.get(photo.photoId);
      if (before !== photo.status && (photo.status === 'ACCEPTED' || photo.status === 'REJECTED' || photo.status === 'DUPLICATE')) {
        if (before !== undefined || locals.some((l) => l.photoId === photo.photoId)) {
          news.push(`${photo.fileName}: ${ROW_STATUS_LABELS[photo.status]}${photo.reason ? `. ${photo.reason}` : ''}`);
        }
      }
      verdicts.current.set(photo.photoId, photo.status);
    }
    if (news.length) setAnnouncement(`${news.join(' ')} ${acceptedCount(photos)} of ${MIN_ACCEPTED_PHOTOS} accepted.`);
  }, [photos]);

  const upload = (key: string) => {
    const entry = files.current.get(key);
    if (!entry?.contentType) return;
    const { file, contentType } = entry;
    const controller = new AbortController();
    aborts.current.set(key, controller);
    update(key, { phase: 'waiting', progress: 0, message: undefined });
    void queue
      .run(async () => {
        if (controller.signal.aborted) return;
        update(key, { phase: 'uploading', progress: 0 });
        const granted = await app.api.call(createPhotoUpload, {
          params: { orderId: order.orderId },
          body: { fileName: file.name.slice(0, 200) || 'photo', contentType, size: file.size },
          signal: controller.signal,
        });
        update(key, { photoId: granted.photoId });
        try {
          let shown = 0;
          await postPresigned(granted.upload, file, {
            signal: controller.signal,
            onProgress: (fraction) => {
              // One render per percent is plenty.
              if (fraction - shown >= 0.01 || fraction === 1) {
                shown = fraction;
                update(key, { progress: fraction });
              }
            },
          });
        } catch (failure) {
          // The record would wait for bytes that never come: remove it (best effort).
          void app.api.call(deletePhoto, { params: { orderId: order.orderId, photoId: granted.photoId } }).catch(() => undefined);
          update(key, { photoId: undefined });
          throw failure;
        }
        update(key, { phase: 'sent', progress: 1 });
        setAnnouncement(`${file.name} uploaded; checking it now.`);
        refresh();
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        let message = 'The upload failed. Try again.';
        if (failure instanceof UploadError || failure instanceof ApiError) message = failure.message;
        else console.error(failure);
        update(key, { phase: 'failed', message });
        setAnnouncement(`${file.name}: upload failed. ${message}`);
      })
      .finally(() => aborts.current.delete(key));
  };

  const addFiles = async (list: readonly File[]) => {
    if (list.length === 0) return;
    app.clearError();
    let free = MAX_PHOTOS_PER_ORDER - slotsUsed(latest.current.order.photos ?? [], latest.current.locals);
    const added: LocalPhoto[] = list.map((file) => {
      const key = `local-${++nextKey}`;
      files.current.set(key, { file });
      const base = { key, name: file.name || 'photo', size: file.size, progress: 0 };
      if (free <= 0) return { ...base, phase: 'refused', message: `An order holds at most ${MAX_PHOTOS_PER_ORDER} photos. Remove one to add another.` };
      free -= 1;
      return { ...base, phase: 'checking' };
    });
    setLocals((current) => [...current, ...added]);
    setAnnouncement(`${list.length === 1 ? '1 photo' : `${list.length} photos`} added.`);
    for (const local of added) {
      if (local.phase !== 'checking') continue;
      const entry = files.current.get(local.key);
      if (!entry) continue;
      const { file } = entry;
      const result = await checkPhoto(file);
      if (!result.ok) {
        update(local.key, { phase: 'refused', message: result.reason });
        continue;
      }
      const previewable = result.contentType !== 'image/heic' && result.contentType !== 'image/heif';
      update(local.key, { contentType: result.contentType, note: result.note, previewUrl: previewable ? URL.createObjectURL(file) : undefined });
      entry.contentType = result.contentType;
      upload(local.key);
    }
  };

  const remove = async (row: PhotoRow) => {
    if (!row.photoId) {
      drop(row.key);
      setAnnouncement(`${row.name} removed.`);
      return;
    }
    setRemoving((current) => new Set(current).add(row.key));
    try {
      await app.api.call(deletePhoto, { params: { orderId: order.orderId, photoId: row.photoId } });
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.is(ErrorCodes.PHOTO_NOT_FOUND, 404))) {
        app.handleError(failure);
        setRemoving((current) => new Set([...current].filter((k) => k !== row.key)));
        return;
      }
    }
    if (row.local) drop(row.local.key);
    setRemoving((current) => new Set([...current].filter((k) => k !== row.key)));
    setAnnouncement(`${row.name} removed.`);
    refresh();
  };

  const chosen = (input: HTMLInputElement) => {
    const list = [...(input.files ?? [])];
    input.value = '';
    return list;
  };

  const needed = Math.max(0, MIN_ACCEPTED_PHOTOS - accepted);

  return (
    <section class="upload-step" aria-labelledby="upload-heading" data-testid="upload-step">
      <div class="upload-intro">
        <div>
          <h2 id="upload-heading">Upload your selfies</h2>
          <p class="muted">
            At least {MIN_ACCEPTED_PHOTOS} clear photos of just you, up to {MAX_PHOTOS_PER_ORDER}. JPEG, PNG, WebP or HEIC, up to {formatBytes(MAX_PHOTO_BYTES)} each, at least{' '}
            {MIN_PHOTO_SIDE} pixels on the shorter side.
          </p>
        </div>
        <ul class="tips" aria-label="Tips for good selfies">
          <li>Good, even light on your face</li>
          <li>Just you: no one else in the photo</li>
          <li>No sunglasses, hats or heavy filters</li>
          <li>A variety of angles, expressions and backgrounds</li>
        </ul>
      </div>

      <div
        class={`dropzone${dragging ? ' dropzone-active' : ''}`}
        data-testid="dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void addFiles([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <button type="button" class="dropzone-button" data-testid="choose-photos" onClick={() => picker.current?.click()} aria-describedby="dropzone-hint">
          <span class="dropzone-icon" aria-hidden="true" />
          <span class="dropzone-title">Choose photos</span>
          <span class="dropzone-hint" id="dropzone-hint">
            or drop them here · several at once is fine
          </span>
        </button>
        <input ref={picker} type="file" multiple accept={ACCEPT} hidden data-testid="photo-input" onChange={(e) => void addFiles(chosen(e.currentTarget))} />
        <input
          ref={replacePicker}
          type="file"
          accept={ACCEPT}
          hidden
          data-testid="replace-input"
          onChange={(e) => {
            const [file] = chosen(e.currentTarget);
            const old = replacing.current;
            replacing.current = undefined;
            if (!file || !old) return;
            void remove(old).then(() => addFiles([file]));
          }}
        />
      </div>

      <div class="upload-status">
        <p class={`accepted-count${accepted >= MIN_ACCEPTED_PHOTOS ? ' accepted-count-done' : ''}`} data-testid="accepted-count" data-accepted={accepted}>
          {accepted >= MIN_ACCEPTED_PHOTOS ? (
            <>
              <strong>{accepted} accepted</strong> — enough to continue
            </>
          ) : (
            <>
              <strong>
                {accepted} of {MIN_ACCEPTED_PHOTOS}
              </strong>{' '}
              accepted — {needed} more needed
            </>
          )}
        </p>
        <progress class="accepted-meter" max={MIN_ACCEPTED_PHOTOS} value={Math.min(accepted, MIN_ACCEPTED_PHOTOS)} aria-label="Accepted photos" />
      </div>
      <p class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="upload-announcer">
        {announcement}
      </p>

      {rows.length > 0 && (
        <ul class="photo-rows" aria-label="Your photos" data-testid="photo-rows">
          {rows.map((row) => (
            <PhotoRowView
              key={row.key}
              row={row}
              removing={removing.has(row.key)}
              onRemove={() => void remove(row)}
              onRetry={row.local && row.status === 'failed' ? () => upload(row.local!.key) : undefined}
              onReplace={() => {
                replacing.current = row;
                replacePicker.current?.click();
              }}
            />
          ))}
        </ul>
      )}

      <div class="wizard-actions">
        <button type="button" class="button button-primary" data-testid="to-review" disabled={accepted < MIN_ACCEPTED_PHOTOS || busy} onClick={onContinue}>
          Continue to review
        </button>
        <p class="field-hint">
          {accepted < MIN_ACCEPTED_PHOTOS
            ? `You can continue once ${MIN_ACCEPTED_PHOTOS} photos are accepted.`
            : busy
              ? 'Waiting for the uploads to finish…'
              : checking
                ? 'Photos still being checked are kept; the studio waits for their verdict.'
                : 'Next: look over your order and submit it.'}
        </p>
      </div>
    </section>
  );
}

function PhotoRowView({ row, removing, onRemove, onRetry, onReplace }: { row: PhotoRow; removing: boolean; onRemove(): void; onRetry?: () => void; onReplace(): void }) {
  const label = ROW_STATUS_LABELS[row.status];
  const progressId = `progress-${row.key}`;
  return (
    <li class={`photo-row photo-row-${rowTone(row.status)}`} data-testid="photo-row" data-name={row.name} data-status={row.status} data-photo-id={row.photoId}>
      <div class="photo-thumb">
        {row.thumbnailUrl ? (
          <img src={row.thumbnailUrl} alt={`Your photo ${row.name}`} />
        ) : (
          <span class="photo-placeholder" role="img" aria-label={row.heic ? `HEIC photo ${row.name} (no preview in this browser)` : `Photo ${row.name}`}>
            {row.heic ? 'HEIC' : '…'}
          </span>
        )}
      </div>
      <div class="photo-main">
        <div class="photo-title">
          <span class="photo-name" title={row.name}>
            {row.name}
          </span>
          <span class={`badge badge-${rowTone(row.status)}`} data-testid="photo-status">
            {label}
          </span>
        </div>
        {row.status === 'uploading' && (
          <progress id={progressId} class="photo-progress" max={100} value={Math.round((row.progress ?? 0) * 100)} aria-label={`Uploading ${row.name}`} aria-valuetext={`${Math.round((row.progress ?? 0) * 100)} percent`} />
        )}
        {(row.status === 'checking' || row.status === 'VALIDATING' || row.status === 'UPLOADING') && (
          <p class="photo-message muted">
            <Spinner /> {row.status === 'checking' ? 'Checking the file…' : row.status === 'VALIDATING' ? 'Looking for your face…' : 'Waiting for the upload to arrive…'}
          </p>
        )}
        {row.message && (
          <p class="photo-message photo-reason" data-testid="photo-reason">
            {row.message}
          </p>
        )}
        {row.note && row.status !== 'ACCEPTED' && !row.message && <p class="photo-message muted">{row.note}</p>}
      </div>
      <div class="photo-actions">
        {onRetry && (
          <button type="button" class="button button-quiet button-small" onClick={onRetry}>
            Try again
          </button>
        )}
        {row.status !== 'uploading' && row.status !== 'waiting' && row.status !== 'checking' && (
          <button type="button" class="button button-quiet button-small" disabled={removing} onClick={onReplace} aria-label={`Replace ${row.name}`} data-testid="photo-replace">
            Replace
          </button>
        )}
        <button type="button" class="button button-danger-quiet button-small" disabled={removing} aria-busy={removing || undefined} onClick={onRemove} aria-label={`Remove ${row.name}`} data-testid="photo-remove">
          {removing ? <Spinner /> : 'Remove'}
        </button>
      </div>
    </li>
  );
}
