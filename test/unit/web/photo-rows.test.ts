import { ORDER_STATUSES, type OrderView } from '../../../shared/orders';
import { PHOTO_STATUSES, type PhotoView } from '../../../shared/photos';
import { keepsMoving } from '../../../web/src/orders/useOrder';
import { timelineSteps } from '../../../web/src/orders/timeline';
import { faceBoxStyle } from '../../../web/src/photos/PhotoGrid';
import { ABANDONED_UPLOAD_MS, acceptedCount, isPhotoPending, photoRows, ROW_STATUS_LABELS, rowTone, slotsUsed, type LocalPhoto } from '../../../web/src/photos/rows';
import { PHOTO_STATUS_LABELS, STATUS_EXPLANATIONS, STATUS_LABELS, statusLabel, statusTone } from '../../../web/src/ui/labels';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function photo(photoId: string, status: PhotoView['status'], extra: Partial<PhotoView> = {}): PhotoView {
  return { photoId, fileName: `${photoId}.jpg`, status, createdAt: at(60_000), updatedAt: at(1_000), ...extra };
}
function local(key: string, phase: LocalPhoto['phase'], extra: Partial<LocalPhoto> = {}): LocalPhoto {
  return { key, name: `${key}.jpg`, size: 1000, phase, progress: 0, ...extra };
}

describe('photoRows', () => {
  it("joins the server's photos with the files this tab sends, oldest first", () => {
    const rows = photoRows(
      [photo('b', 'ACCEPTED', { createdAt: at(5_000), url: 'https://s3/b' }), photo('a', 'REJECTED', { createdAt: at(9_000), reason: 'We found two faces — upload a photo of just you' })],
      [local('l1', 'sent', { photoId: 'b', previewUrl: 'blob:b' })],
    );
    expect(rows.map((r) => [r.key, r.status, r.message, r.thumbnailUrl])).toEqual([
      ['a', 'REJECTED', 'We found two faces — upload a photo of just you', undefined],
      ['l1', 'ACCEPTED', undefined, 'https://s3/b'],
    ]);
  });

  it('shows a photo being uploaded with its progress, even once the server has its record', () => {
    const rows = photoRows([photo('p', 'UPLOADING')], [local('l1', 'uploading', { photoId: 'p', progress: 0.4, previewUrl: 'blob:p' })]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'uploading', progress: 0.4, thumbnailUrl: 'blob:p', photoId: 'p' });
  });

  it('counts a photo sent from this tab as being checked while the server still says UPLOADING', () => {
    const [row] = photoRows([photo('p', 'UPLOADING')], [local('l1', 'sent', { photoId: 'p' })]);
    expect(row.status).toBe('VALIDATING');
  });

  it('adds the files the server does not know yet, with the browser’s refusals', () => {
    const rows = photoRows([], [local('l1', 'checking'), local('l2', 'refused', { message: 'too small' }), local('l3', 'failed', { message: 'network' }), local('l4', 'sent', { photoId: 'x' })]);
    expect(rows.map((r) => [r.key, r.status, r.message])).toEqual([
      ['l1', 'checking', undefined],
      ['l2', 'refused', 'too small'],
      ['l3', 'failed', 'network'],
      ['l4', 'VALIDATING', undefined],
    ]);
  });

  it('marks HEIC rows so they get a placeholder instead of a preview', () => {
    const rows = photoRows([photo('h', 'VALIDATING', { fileName: 'IMG_0001.HEIC' })], [local('l2', 'waiting', { contentType: 'image/heif' })]);
    expect(rows.map((r) => r.heic)).toEqual([true, true]);
  });
});

describe('photo counts', () => {
  it('counts accepted photos only', () => {
    expect(acceptedCount([photo('a', 'ACCEPTED'), photo('b', 'DUPLICATE'), photo('c', 'ACCEPTED'), photo('d', 'VALIDATING')])).toBe(2);
  });

  it('counts the records the server holds and the uploads on their way to it, not refusals', () => {
    const used = slotsUsed([photo('a', 'ACCEPTED'), photo('b', 'UPLOADING')], [local('l1', 'uploading', { photoId: 'b' }), local('l2', 'waiting'), local('l3', 'refused'), local('l4', 'failed'), local('l5', 'checking')]);
    expect(used).toBe(4);
  });

  it('waits for verdicts, but not for an upload abandoned long ago', () => {
    expect(isPhotoPending(photo('a', 'VALIDATING'), NOW)).toBe(true);
    expect(isPhotoPending(photo('a', 'UPLOADING', { createdAt: at(60_000) }), NOW)).toBe(true);
    expect(isPhotoPending(photo('a', 'UPLOADING', { createdAt: at(ABANDONED_UPLOAD_MS + 1) }), NOW)).toBe(false);
    for (const status of ['ACCEPTED', 'REJECTED', 'DUPLICATE'] as const) expect(isPhotoPending(photo('a', status), NOW)).toBe(false);
  });
});

describe('status labels', () => {
  it('names every order status and explains it', () => {
    for (const status of ORDER_STATUSES) {
      expect(STATUS_LABELS[status]).toMatch(/\w/);
      expect(STATUS_EXPLANATIONS[status]).toMatch(/\w/);
    }
    expect(statusLabel('NEEDS_NEW_PHOTOS')).toBe('Needs new photos');
    expect(statusLabel('TIMED_OUT')).toBe('Timed out');
  });

  it('names every photo status and colours its verdict', () => {
    for (const status of PHOTO_STATUSES) {
      expect(PHOTO_STATUS_LABELS[status]).toMatch(/\w/);
      expect(ROW_STATUS_LABELS[status]).toMatch(/\w/);
    }
    expect(rowTone('ACCEPTED')).toBe('success');
    expect(rowTone('REJECTED')).toBe('danger');
    expect(rowTone('DUPLICATE')).toBe('danger');
    expect(rowTone('refused')).toBe('danger');
    expect(rowTone('uploading')).toBe('progress');
    expect(rowTone('VALIDATING')).toBe('progress');
  });

  it('colours order statuses by whether they move, ended well or need the customer', () => {
    expect(statusTone('VALIDATING')).toBe('progress');
    expect(statusTone('NEEDS_NEW_PHOTOS')).toBe('danger');
    expect(statusTone('DRAFT')).toBe('neutral');
    expect(statusTone('CONFIRMED')).toBe('success');
  });
});

describe('timelineSteps with photo checks', () => {
  const entry = (status: OrderView['status']) => ({ status, at: at(1000) });
  it('shows an order whose photos are being checked at the first step', () => {
    const steps = timelineSteps({ status: 'VALIDATING', timeline: [entry('DRAFT'), entry('VALIDATING')] });
    expect(steps.map((s) => [s.status, s.state])).toEqual([
      ['SUBMITTED', 'current'],
      ['PENDING_EDITOR_CONFIRMATION', 'upcoming'],
      ['CONFIRMED', 'upcoming'],
      ['TRAINING', 'upcoming'],
      ['GENERATING', 'upcoming'],
      ['PENDING_REVIEW', 'upcoming'],
      ['DELIVERED', 'upcoming'],
    ]);
    expect(steps[0].entry?.status).toBe('VALIDATING');
  });

  it('shows a draft with every step ahead of it', () => {
    const steps = timelineSteps({ status: 'DRAFT', timeline: [entry('DRAFT')] });
    expect(steps.map((s) => s.state)).toEqual(['upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
  });
});

describe('keepsMoving', () => {
  const order = (status: OrderView['status'], photos: PhotoView[] = []) => ({ status, photos }) as unknown as OrderView;
  it('follows an editable order only while a photo awaits its verdict', () => {
    expect(keepsMoving(order('DRAFT', [photo('a', 'ACCEPTED')]), NOW)).toBe(false);
    expect(keepsMoving(order('DRAFT', [photo('a', 'ACCEPTED'), photo('b', 'VALIDATING')]), NOW)).toBe(true);
    expect(keepsMoving(order('NEEDS_NEW_PHOTOS', [photo('a', 'UPLOADING', { createdAt: at(1000) })]), NOW)).toBe(true);
  });

  it('follows a submitted order through production until it ends', () => {
    expect(keepsMoving(order('VALIDATING'), NOW)).toBe(true);
    expect(keepsMoving(order('PENDING_EDITOR_CONFIRMATION'), NOW)).toBe(true);
    expect(keepsMoving(order('CONFIRMED'), NOW)).toBe(true);
    expect(keepsMoving(order('GENERATING'), NOW)).toBe(true);
    expect(keepsMoving(order('PENDING_REVIEW'), NOW)).toBe(false);
    expect(keepsMoving(order('FAILED'), NOW)).toBe(false);
  });
});

describe('faceBoxStyle', () => {
  it('turns the fractions into percentages, clamped to the photo', () => {
    expect(faceBoxStyle({ left: 0.25, top: 0.1, width: 0.5, height: 1.2 })).toEqual({ left: '25.00%', top: '10.00%', width: '50.00%', height: '100.00%' });
  });
});
