import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createOrderSchema } from '../../shared/orders';
import { ddb, s3Client, sfnClient } from '../lib/clients';
import { requireEnv } from '../lib/env';
import { apiHandler, HttpError, json, parseBody } from '../lib/http';
import { logger } from '../lib/logger';
import { OrderStore, toView } from '../lib/order-store';

const tableName = requireEnv('tableName');
const uploadsBucket = requireEnv('uploadsBucket');
const pipelineArn = requireEnv('orderPipelineArn');
const store = new OrderStore(ddb(), tableName);

/**
 * POST /orders — validates the order, stores its request manifest in S3 and
 * the order in DynamoDB, then starts the order pipeline named after the order
 * (a repeated start with the same name and input is a no-op on Step Functions).
 */
export const handler = apiHandler(async (event, caller) => {
  const input = parseBody(event, createOrderSchema);
  const orderId = randomUUID();
  const createdAt = new Date().toISOString();

  await s3Client().send(
    new PutObjectCommand({
      Bucket: uploadsBucket,
      Key: `orders/${orderId}/request.json`,
      ContentType: 'application/json',
      Body: JSON.stringify({ orderId, customerId: caller.sub, createdAt, ...input }),
    }),
  );
  const order = await store.create({ orderId, customerId: caller.sub, customerEmail: caller.email, createdAt, ...input });

  let executionArn: string;
  try {
    ({ executionArn } = (await sfnClient().send(
      new StartExecutionCommand({
        stateMachineArn: pipelineArn,
        name: orderId,
        input: JSON.stringify({ orderId, styles: input.styles }),
      }),
    )) as { executionArn: string });
  } catch (error) {
    logger.error('Could not start the order pipeline', { orderId, error: error as Error });
    await store.transition(orderId, ['SUBMITTED'], 'FAILED', {
      failureReason: 'The order could not be started. Nothing was charged; please try again.',
    });
    throw new HttpError(503, 'The order could not be started. Nothing was charged; please try again in a minute.');
  }
  // The execution runs whether or not this write succeeds; its ARN only serves the status view.
  await store.setExecutionArn(orderId, executionArn).catch((error: Error) => logger.error('Could not record the execution ARN', { orderId, error }));

  logger.info('Order created', { orderId, styles: input.styles.length });
  return json(201, toView(order));
});
