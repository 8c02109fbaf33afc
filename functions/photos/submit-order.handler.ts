import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { OrganisationStore } from '#functions/organisations/organisation-store';
import { type Orders, OrderConflictError, OrderStore, payingWallet } from '#functions/orders/order-store';
import { spendableWallet, type WalletAccessDeps } from '#functions/wallets/access';
import { type Ledger, LedgerError, LedgerStore } from '#functions/wallets/ledger-store';
import { apiHandler } from '#lib/api-handler';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { submitOrder } from '#shared/api/photos';
import { EDITABLE_STATUSES } from '#shared/orders';

export interface SubmitOrderDeps {
  readonly orders: Orders;
  readonly sfn: SFNClient;
  readonly pipelineArn: string;
  /** Holds the order's credits on its wallet. */
  readonly ledger: Pick<Ledger, 'reserve'>;
  /** Checks the caller still belongs to the organisation whose wallet pays. */
  readonly wallets: WalletAccessDeps;
}

/**
 * POST /v1/orders/{orderId}/submit — moves the caller's draft to VALIDATING
 * and starts the order pipeline, named after the order and the submission (an
 * order sent back for new photos is submitted again as a new execution).
 */
export const submitOrderHandler = ({ orders, sfn, pipelineArn, ledger, wallets }: SubmitOrderDeps) =>
  apiHandler(submitOrder, async ({ params, caller }) => {
    const order = await orders.get(params.orderId);
    if (!order || order.customerId !== caller.sub) throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
    if (!(EDITABLE_STATUSES as readonly string[]).includes(order.status)) {
      throw new ApiError('ORDER_NOT_EDITABLE', 'This order has been sent to the studio already.');
    }
    if (!order.photoCount) throw new ApiError('NO_PHOTOS', 'Upload your photos before you submit the order.');
    await holdCredits({ ledger, wallets }, order, caller);
    const { submission } = await orders.submit(params.orderId).catch((error: unknown) => {
      if (error instanceof OrderConflictError) throw new ApiError('ORDER_NOT_EDITABLE', 'The order changed meanwhile; reload it and try again.');
      throw error;
    });
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: pipelineArn,
          name: `${params.orderId}-${submission}`,
          input: JSON.stringify({ orderId: params.orderId, styles: order.styles, submission, check: { attempt: 0 } }),
        }),
      );
      await orders
        .setExecutionArn(params.orderId, executionArn!)
        .catch((error: Error) => logger.error('Could not record the execution ARN', { orderId: params.orderId, error }));
    } catch (error) {
      logger.error('Could not start the order pipeline', { orderId: params.orderId, error: error as Error });
      await orders
        // Back as it was, with what it still lacked (submitting cleared it).
        .transition(params.orderId, ['VALIDATING'], order.status, { detail: 'The order could not be sent; it is back as it was.', missing: order.missing })
        .catch((undo: Error) => logger.error('Could not put the unsent order back', { orderId: params.orderId, error: undo }));
      // The credits stay held for this order (a later submission uses the same hold); ending the order releases them.
      throw new ApiError('ORDER_NOT_STARTED', 'The order could not be sent to the studio. Nothing was charged; please try again in a minute.');
    }
    metrics.addMetric('OrdersSubmitted', MetricUnit.Count, 1);
    return { orderId: params.orderId, status: 'VALIDATING' as const };
  });

/**
 * Holds what the order costs on the wallet that pays, once per order (a
 * resubmission finds the hold it made). A short balance answers
 * INSUFFICIENT_CREDITS with what is missing, and nothing is written.
 */
async function holdCredits(
  deps: Pick<SubmitOrderDeps, 'ledger' | 'wallets'>,
  order: { orderId: string; customerId: string; walletId?: string; credits: number },
  caller: Parameters<typeof spendableWallet>[2],
): Promise<void> {
  if (order.credits <= 0) return;
  const walletId = payingWallet(order);
  if (walletId !== caller.sub) await spendableWallet(deps.wallets, walletId, caller);
  try {
    await deps.ledger.reserve(walletId, order.orderId, order.credits);
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    if (error.reason === 'INSUFFICIENT_CREDITS' || (error.reason === 'WALLET_NOT_FOUND' && walletId === caller.sub)) {
      throw new ApiError('INSUFFICIENT_CREDITS', `This order costs ${order.credits} credits and the wallet cannot cover it. Buy credits, or choose fewer styles.`);
    }
    if (error.reason === 'WALLET_NOT_FOUND') throw new ApiError('WALLET_NOT_FOUND', 'The wallet this order was placed on no longer exists.');
    throw error;
  }
}

const table = requireEnv('Table');
const ledger = new LedgerStore(ddb(), table);
export const handler = submitOrderHandler({
  orders: new OrderStore(ddb(), table),
  sfn: sfnClient(),
  pipelineArn: requireEnv('OrderPipeline'),
  ledger,
  wallets: { ledger, organisations: new OrganisationStore(ddb(), table) },
});
