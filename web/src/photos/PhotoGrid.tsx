import type { FaceBox, PhotoView } from '../../../shared/photos';
import { ROW_STATUS_LABELS, rowTone } from './rows';

/** The face box as CSS percentages of the photo (the API gives fractions of the normalised photo). */
export function faceBoxStyle(face: FaceBox): Record<string, string> {
  const pct = (fraction: number) => `${(Math.min(1, Math.max(0, fraction)) * 100).toFixed(2)}%`;
  return { left: pct(face.left), top: pct(face.top), width: pct(face.width), height: pct(face.height) };
}

interface PhotoGridProps {
  readonly photos: readonly PhotoView[];
  /** Draw the face the server found over each photo (admins). */
  readonly showFaces?: boolean;
  /** Show each photo's verdict and reason. @default true */
  readonly verdicts?: boolean;
  readonly testid?: string;
}

/**
 * Photos as a grid of thumbnails (the signed link of the normalised photo),
 * each with its verdict; for admins the face box is drawn over it. Styles are
 * set through the DOM (CSSOM), which the Content-Security-Policy allows, never
 * as a style attribute string.
 */
export function PhotoGrid({ photos, showFaces = false, verdicts = true, testid }: PhotoGridProps) {
  return (
    <ul class="photo-grid" data-testid={testid}>
      {photos.map((photo) => (
        <li key={photo.photoId} class="photo-tile" data-testid="photo-tile" data-status={photo.status} data-name={photo.fileName}>
          <figure>
            <div class="photo-frame">
              {photo.url ? (
                <img src={photo.url} alt={`${photo.fileName}${verdicts ? `, ${ROW_STATUS_LABELS[photo.status].toLowerCase()}` : ''}`} decoding="async" />
              ) : (
                <span class="photo-placeholder" role="img" aria-label={`${photo.fileName}: no preview`}>
                  {/\.hei[cf]$/i.test(photo.fileName) ? 'HEIC' : 'No preview'}
                </span>
              )}
              {showFaces && photo.url && photo.face && <span class="face-box" data-testid="face-box" style={faceBoxStyle(photo.face)} aria-hidden="true" />}
            </div>
            <figcaption>
              <span class="photo-name" title={photo.fileName}>
                {photo.fileName}
              </span>
              {verdicts && (
                <span class={`badge badge-${rowTone(photo.status)}`} data-testid="photo-status">
                  {ROW_STATUS_LABELS[photo.status]}
                </span>
              )}
              {verdicts && photo.reason && <span class="photo-reason">{photo.reason}</span>}
              {showFaces && photo.face && (
                <span class="visually-hidden">
                  Face found at {Math.round(photo.face.left * 100)}% from the left and {Math.round(photo.face.top * 100)}% from the top, {Math.round(photo.face.width * 100)}% of the width.
                </span>
              )}
            </figcaption>
          </figure>
        </li>
      ))}
    </ul>
  );
}
