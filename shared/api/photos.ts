import { newPhotoSchema, presignedPostSchema } from '../photos';
import { ORDER_STATUSES } from '../orders';
import * as z from '../validation';
import { defineRoute } from './contract';
import { orderIdParams } from './orders';

export const photoParams = z.strictObject({
  orderId: z.uuid({ error: 'The order ID in the path is not a valid order ID.' }),
  photoId: z.uuid({ error: 'The photo ID in the path is not a valid photo ID.' }),
});

/** The customer's selfies, uploaded straight to S3 and validated as they land. */
export const createPhotoUpload = defineRoute({
  operationId: 'createPhotoUpload',
  method: 'POST',
  path: '/v1/orders/{orderId}/photos',
  auth: 'user',
  tag: 'photos',
  summary: 'Start uploading a selfie to a draft order',
  description:
    'Answers a presigned POST valid for 15 minutes: send its fields and then the file (as the last field, `file`) as multipart/form-data to its URL. The photo is checked as soon as it lands; read the order to see its verdict.',
  params: orderIdParams,
  body: newPhotoSchema,
  status: 201,
  response: z.object({ photoId: z.string(), upload: presignedPostSchema }),
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_EDITABLE', 'TOO_MANY_PHOTOS'],
  throttle: { rateLimit: 10, burstLimit: 40 },
});

export const deletePhoto = defineRoute({
  operationId: 'deletePhoto',
  method: 'DELETE',
  path: '/v1/orders/{orderId}/photos/{photoId}',
  auth: 'user',
  tag: 'photos',
  summary: 'Remove a selfie from a draft order',
  description: 'Deletes the photo and every copy made of it.',
  params: photoParams,
  status: 200,
  response: z.object({ orderId: z.string(), photoId: z.string(), photoCount: z.number() }),
  errors: ['ORDER_NOT_FOUND', 'PHOTO_NOT_FOUND', 'ORDER_NOT_EDITABLE'],
});

export const submitOrder = defineRoute({
  operationId: 'submitOrder',
  method: 'POST',
  path: '/v1/orders/{orderId}/submit',
  auth: 'user',
  tag: 'photos',
  summary: 'Send a draft order to the studio',
  description:
    'Starts the order pipeline: it waits for photos still being checked, then needs at least 6 accepted photos (else the order becomes NEEDS_NEW_PHOTOS, saying what is missing) and parks the order for a studio editor to confirm.',
  params: orderIdParams,
  status: 202,
  response: z.object({ orderId: z.string(), status: z.enum(ORDER_STATUSES) }),
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_EDITABLE', 'NO_PHOTOS', 'INSUFFICIENT_CREDITS', 'WALLET_NOT_FOUND', 'ORDER_NOT_STARTED'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});
