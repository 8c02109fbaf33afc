import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { StylePlan } from '#shared/orders';
import { ddb, s3Client, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { taskHandler } from '#lib/task-handler';
import { type CustomerNotifier, customerNotifierOf, tellQuietly } from '#functions/notifications/customer-notifier';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { settleCredits } from './credits';
import { OrderConflictError, type Orders, OrderStore } from './order-store';

export interface CompleteOrderInput {
  readonly orderId: string;
  readonly decision: { readonly decision: 'confirm'; readonly decidedBy: string };
  readonly plans: readonly StylePlan[];
}

/**
 * Marks the order confirmed, spends the credits it held, writes its summary,
 * starts its production (the generation pipeline, one execution per order,
 * named after it) and tells the customer; safe to retry.
 */
export const completeOrderHandler = ({
  orders: store,
  s3,
  outputsBucket,
  ledger,
  sfn,
  generationPipeline,
  notify,
}: {
  readonly orders: Orders;
  readonly s3: S3Client;
  readonly outputsBucket: string;
  readonly ledger: Pick<Ledger, 'consume'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly generationPipeline: string;
  /** Tells the customer the order is confirmed. */
  readonly notify?: CustomerNotifier;
}) =>
  taskHandler<CompleteOrderInput, { orderId: string; status: 'CONFIRMED'; summaryKey: string }>(async ({ orderId, decision, plans }) => {
    const summaryKey = `orders/${orderId}/summary.json`;
    const images = plans.reduce((sum, p) => sum + p.images, 0);
    await s3.send(
      new PutObjectCommand({
        Bucket: outputsBucket,
        Key: summaryKey,
        ContentType: 'application/json',
        Body: JSON.stringify({ orderId, confirmedBy: decision.decidedBy, images, plans }),
      }),
    );
    const order = await store.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    // Confirmed: the held credits are spent (once; a retry finds them spent).
    await settleCredits(ledger, 'consume', order);
    try {
      await store.transition(orderId, ['PENDING_EDITOR_CONFIRMATION'], 'CONFIRMED', {
        detail: `${images} images planned across ${plans.length} styles`,
      });
    } catch (error) {
      // A retry after a successful update finds the order already confirmed.
      const current = await store.get(orderId);
      if (!(error instanceof OrderConflictError) || current?.status !== 'CONFIRMED') throw error;
    }
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: generationPipeline, name: `${orderId}-production`, input: JSON.stringify({ orderId }) }));
    } catch (error) {
      // A retry after the start finds the execution there already.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
    await tellQuietly(notify, order, {
      type: 'order-confirmed',
      styles: order.styleDetails.map((style) => style.name),
      imagesPlanned: images,
      credits: order.credits,
    });
    return { orderId, status: 'CONFIRMED', summaryKey };
  });

export const handler = completeOrderHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  outputsBucket: requireEnv('OutputsBucket'),
  sfn: sfnClient(),
  generationPipeline: requireEnv('GenerationPipeline'),
  notify: customerNotifierOf({ userPoolId: requireEnv('UserPool'), mailFrom: requireEnv('Mail'), siteUrl: requireEnv('Site') }),
});
