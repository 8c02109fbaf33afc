import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { PhotoConflictError, photoKeys, type Photos, PhotoStore } from '#functions/photos/photo-store';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { discardOrder } from '#shared/api/orders';
import { EDITABLE_STATUSES } from '#shared/orders';
import { settleCredits } from './credits';
import { OrderConflictError, type Orders, OrderStore, toView } from './order-store';

export interface DiscardOrderDeps {
  readonly orders: Pick<Orders, 'get' | 'transition'>;
  readonly photos: Pick<Photos, 'list' | 'delete'>;
  readonly ledger: Pick<Ledger, 'release'>;
  readonly s3: Pick<S3Client, 'send'>;
  readonly uploadsBucket: string;
}

const notEditable = () => new ApiError('ORDER_NOT_EDITABLE', 'This order has gone to the studio already; it can no longer be discarded.');

/**
 * DELETE /v1/orders/{orderId} — the customer discards an order that has not
 * gone to the studio. Its selfies go first (records and files, as deleting
 * each photo would), then credits it held since an earlier submission go back
 * to the wallet, then the order ends DISCARDED, which frees its place among
 * the orders in progress. A step that fails leaves the order as it was, and
 * discarding again finishes the job.
 */
export const discardOrderHandler = ({ orders, photos, ledger, s3, uploadsBucket }: DiscardOrderDeps) =>
  apiHandler(discardOrder, async ({ params, caller }) => {
    const order = await orders.get(params.orderId);
    if (!order || order.customerId !== caller.sub) throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
    if (!(EDITABLE_STATUSES as readonly string[]).includes(order.status)) throw notEditable();
    for (const photo of await photos.list(params.orderId)) {
      // Files first: should this fail, the record still names them and discarding again deletes them.
      const keys = photoKeys(caller.sub, params.orderId, photo.photoId);
      const answer = await s3.send(
        new DeleteObjectsCommand({ Bucket: uploadsBucket, Delete: { Objects: [keys.original, keys.photo, keys.crop].map((Key) => ({ Key })), Quiet: true } }),
      );
      if (answer.Errors?.length) throw new Error(`Could not delete every file of photo ${photo.photoId}: ${answer.Errors.map((e) => e.Code).join(', ')}`);
      await photos.delete(params.orderId, photo.photoId).catch((error: unknown) => {
        // Deleted meanwhile is fine; an order that moved on (submitted since) is not.
        if (error instanceof PhotoConflictError && error.reason === 'PHOTO_NOT_FOUND') return;
        if (error instanceof PhotoConflictError) throw notEditable();
        throw error;
      });
    }
    await settleCredits(ledger, 'release', order);
    try {
      await orders.transition(params.orderId, EDITABLE_STATUSES, 'DISCARDED', { detail: 'Discarded by the customer; the selfies were deleted.' });
    } catch (error) {
      if (error instanceof OrderConflictError) throw notEditable();
      throw error;
    }
    logger.info('Order discarded', { orderId: params.orderId });
    return toView((await orders.get(params.orderId))!);
  });

const table = requireEnv('Table');
export const handler = discardOrderHandler({
  orders: new OrderStore(ddb(), table),
  photos: new PhotoStore(ddb(), table),
  ledger: new LedgerStore(ddb(), table),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
});
