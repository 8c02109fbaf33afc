import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Photos, PhotoStore, toPhotoView } from '#functions/photos/photo-store';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { signedDownload } from '#lib/uploads';
import { getOrder } from '#shared/api/orders';
import { isTerminal } from '#shared/orders';
import { type Orders, OrderStore, readableBy, toView } from './order-store';

export interface GetOrderDeps {
  readonly orders: Orders;
  readonly photos: Pick<Photos, 'list'>;
  readonly sfn: SFNClient;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
}

/** GET /v1/orders/{orderId} — one order with its photos (signed links), plans and execution status; owners and admins only. */
export const getOrderHandler = ({ orders: store, photos, sfn, s3, uploadsBucket }: GetOrderDeps) =>
  apiHandler(getOrder, async ({ params, caller }) => {
    let order = await store.get(params.orderId);
    // Someone else's order answers 404, not 403, so order IDs cannot be probed.
    if (!order || !readableBy(order, caller)) {
      throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
    }
    const [plans, execution, photoRecords] = await Promise.all([
      store.plans(order.orderId),
      order.executionArn ? sfn.send(new DescribeExecutionCommand({ executionArn: order.executionArn })) : Promise.resolve(undefined),
      photos.list(order.orderId),
    ]);
    // The pipeline records an order's end before its execution ends. If the execution ended after the
    // order was read, read the order again, so a finished execution never shows beside a stale status.
    if (execution && execution.status !== 'RUNNING' && !isTerminal(order.status)) {
      order = (await store.get(order.orderId)) ?? order;
    }
    return {
      ...toView(order),
      photos: await Promise.all(
        photoRecords.map(async (photo) => toPhotoView(photo, photo.status === 'ACCEPTED' && photo.photoKey ? await signedDownload(s3, uploadsBucket, photo.photoKey) : undefined)),
      ),
      plans,
      execution: execution && {
        status: String(execution.status),
        startedAt: execution.startDate?.toISOString(),
        stoppedAt: execution.stopDate?.toISOString(),
      },
    };
  });

requireEnv('OrderPipeline');
export const handler = getOrderHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  sfn: sfnClient(),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
});
