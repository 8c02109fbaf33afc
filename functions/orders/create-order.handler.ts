import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { createOrder } from '#shared/api/orders';
import { type Orders, OrderStore, toView, TooManyOpenOrdersError } from './order-store';

export interface CreateOrderDeps {
  readonly orders: Orders;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly uploadsBucket: string;
  readonly pipelineArn: string;
}

/**
 * POST /v1/orders — validates the order, stores its request manifest in S3 and
 * the order in DynamoDB, then starts the order pipeline named after the order
 * (a repeated start with the same name and input is a no-op on Step Functions).
 */
export const createOrderHandler = ({ orders: store, s3, sfn, uploadsBucket, pipelineArn }: CreateOrderDeps) =>
  apiHandler(createOrder, async ({ body: input, caller }) => {
    const orderId = randomUUID();
    const createdAt = new Date().toISOString();

    await s3.send(
      new PutObjectCommand({
        Bucket: uploadsBucket,
        Key: `orders/${orderId}/request.json`,
        ContentType: 'application/json',
        Body: JSON.stringify({ orderId, customerId: caller.sub, createdAt, ...input }),
      }),
    );
    const order = await store.create({ orderId, customerId: caller.sub, createdAt, ...input }).catch((error: unknown) => {
      if (error instanceof TooManyOpenOrdersError) {
        throw new ApiError(
          'TOO_MANY_OPEN_ORDERS',
          `You already have ${error.limit} orders in progress. Place the next one when one of them is confirmed or ends.`,
        );
      }
      throw error;
    });

    let executionArn: string;
    try {
      ({ executionArn } = (await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: pipelineArn,
          name: orderId,
          input: JSON.stringify({ orderId, styles: input.styles }),
        }),
      )) as { executionArn: string });
    } catch (error) {
      logger.error('Could not start the order pipeline', { orderId, error: error as Error });
      // The caller hears 503 whether or not the order could also be marked failed.
      await store
        .transition(orderId, ['SUBMITTED'], 'FAILED', { failureReason: 'The order could not be started. Nothing was charged; please try again.' })
        .catch((markError: Error) => logger.error('Could not mark the unstarted order failed', { orderId, error: markError }));
      throw new ApiError('ORDER_NOT_STARTED', 'The order could not be started. Nothing was charged; please try again in a minute.');
    }
    // The execution runs whether or not this write succeeds; its ARN only serves the status view.
    await store
      .setExecutionArn(orderId, executionArn)
      .catch((error: Error) => logger.error('Could not record the execution ARN', { orderId, error }));

    metrics.addMetric('OrdersCreated', MetricUnit.Count, 1);
    metrics.addMetric('StylesOrdered', MetricUnit.Count, input.styles.length);
    logger.info('Order created', { orderId, styles: input.styles.length });
    return toView(order);
  });

export const handler = createOrderHandler({
  uploadsBucket: requireEnv('UploadsBucket'),
  pipelineArn: requireEnv('OrderPipeline'),
  orders: new OrderStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  sfn: sfnClient(),
});
