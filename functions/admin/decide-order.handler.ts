import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { OrderConflictError, type Orders, OrderStore } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { decideOrder } from '#shared/api/admin';

/**
 * POST /v1/admin/orders/{orderId}/decision — confirm or reject an order waiting at
 * the confirmation gate. The task token is claimed atomically first, so a
 * second click or a second admin gets 409 instead of a failed resume.
 */
export const decideOrderHandler = ({ orders: store, sfn }: { readonly orders: Orders; readonly sfn: SFNClient }) =>
  apiHandler(decideOrder, async ({ params: { orderId }, body: decision, caller }) => {
    let token: string;
    try {
      token = await store.claimTaskToken(orderId, caller.sub);
    } catch (error) {
      if (!(error instanceof OrderConflictError)) throw error;
      // Tell "there is no such order" from "it is not waiting any more".
      if (!(await store.get(orderId))) throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
      throw new ApiError('ORDER_NOT_WAITING', 'This order is not waiting for confirmation any more.');
    }

    try {
      if (decision.decision === 'confirm') {
        const output = JSON.stringify({ decision: 'confirm', decidedBy: caller.sub });
        await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output }));
      } else {
        await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'OrderRejected', cause: decision.reason }));
      }
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) {
        throw new ApiError('ORDER_NOT_WAITING', 'This order stopped waiting for confirmation (it may have expired).');
      }
      logger.error('Could not resume the order pipeline', { orderId, error: error as Error });
      await store
        .restoreTaskToken(orderId, token)
        .catch((restoreError: Error) =>
          logger.error('Could not put the task token back; the order needs an operator', { orderId, error: restoreError }),
        );
      throw new ApiError('DECISION_NOT_RECORDED', 'The decision could not be recorded. Please try again.');
    }

    metrics.addDimension('decision', decision.decision);
    metrics.addMetric('OrderDecisions', MetricUnit.Count, 1);
    logger.info('Order decided', { orderId, decision: decision.decision });
    return { orderId, decision: decision.decision };
  });

requireEnv('OrderPipeline');
export const handler = decideOrderHandler({ orders: new OrderStore(ddb(), requireEnv('Table')), sfn: sfnClient() });
