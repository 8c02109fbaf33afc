import { createHash } from 'node:crypto';
import { photoKeys, type PhotoRecord } from '#functions/photos/photo-store';
import { CUSTOMER_SUB } from './events';
import { ORDER_ID } from './orders';

/** The i-th photo's ID: a UUID, as the upload route makes them. */
export const photoId = (index: number) => `aaaaaaaa-0000-4000-8000-${String(index).padStart(12, '0')}`;

/** A 64-bit perceptual hash per index, far (about 32 bits) from every other index's. */
export const hashOf = (index: number) => createHash('sha256').update(`photo-${index}`).digest('hex').slice(0, 16);

/** The same hash with its lowest bit flipped: a near-duplicate. */
export const nearHashOf = (index: number) => {
  const hash = hashOf(index);
  return hash.slice(0, 15) + (parseInt(hash.slice(15), 16) ^ 1).toString(16);
};

/** A stored photo of the fixture order, uploaded a second after the one before; UPLOADING unless overridden. */
export function photoRecord(index: number, overrides: Partial<PhotoRecord> = {}): PhotoRecord {
  const id = photoId(index);
  const createdAt = new Date(Date.UTC(2030, 0, 1, 0, 0, index)).toISOString();
  return {
    orderId: ORDER_ID,
    photoId: id,
    customerId: CUSTOMER_SUB,
    fileName: `selfie-${index}.jpg`,
    contentType: 'image/jpeg',
    size: 2_000_000,
    originalKey: photoKeys(CUSTOMER_SUB, ORDER_ID, id).original,
    status: 'UPLOADING',
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** An accepted photo, with its normalised copy, crop and hash. */
export function acceptedPhoto(index: number, overrides: Partial<PhotoRecord> = {}): PhotoRecord {
  const keys = photoKeys(CUSTOMER_SUB, ORDER_ID, photoId(index));
  return photoRecord(index, {
    status: 'ACCEPTED',
    photoKey: keys.photo,
    cropKey: keys.crop,
    hash: hashOf(index),
    width: 1024,
    height: 1024,
    face: { left: 0.3, top: 0.2, width: 0.4, height: 0.4 },
    ...overrides,
  });
}

/** A rejected photo. */
export const rejectedPhoto = (index: number, overrides: Partial<PhotoRecord> = {}): PhotoRecord =>
  photoRecord(index, { status: 'REJECTED', code: 'NO_FACE', reason: 'We could not find a face.', hash: hashOf(index), ...overrides });
