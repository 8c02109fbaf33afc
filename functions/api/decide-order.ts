import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, InvalidToken } from '@aws-sdk/client-sfn';
import { decisionSchema } from '../../shared/orders';
import { ddb, sfnClient } from '../lib/clients';
import { requireEnv } from '../lib/env';
import { apiHandler, HttpError, json, parseBody } from '../lib/http';
import { logger } from '../lib/logger';
import { OrderConflictError, OrderStore } from '../lib/order-store';
import { orderIdSchema } from './get-order';

const store = new OrderStore(ddb(), requireEnv('tableName'));
requireEnv('orderPipelineArn');

/**
 * POST /admin/orders/{orderId}/decision — confirm or reject an order waiting at
 * the confirmation gate. The task token is claimed atomically first, so a
 * second click or a second admin gets 409 instead of a failed resume.
 */
export const handler = apiHandler(async (event, caller) => {
  const orderId = orderIdSchema.safeParse(event.pathParameters?.orderId);
  if (!orderId.success) throw new HttpError(400, orderId.error.issues[0].message);
  const decision = parseBody(event, decisionSchema);

  let token: string;
  try {
    token = await store.claimTaskToken(orderId.data, caller.sub);
  } catch (error) {
    if (error instanceof OrderConflictError) throw new HttpError(409, 'This order is not waiting for confirmation any more.');
    throw error;
  }

  try {
    if (decision.decision === 'confirm') {
      const output = JSON.stringify({ decision: 'confirm', decidedBy: caller.sub });
      await sfnClient().send(new SendTaskSuccessCommand({ taskToken: token, output }));
    } else {
      await sfnClient().send(new SendTaskFailureCommand({ taskToken: token, error: 'OrderRejected', cause: decision.reason }));
    }
  } catch (error) {
    if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) {
      throw new HttpError(409, 'This order stopped waiting for confirmation (it may have expired).');
    }
    logger.error('Could not resume the order pipeline', { orderId: orderId.data, error: error as Error });
    await store.restoreTaskToken(orderId.data, token).catch((restoreError: Error) =>
      logger.error('Could not put the task token back; the order needs an operator', { orderId: orderId.data, error: restoreError }),
    );
    throw new HttpError(503, 'The decision could not be recorded. Please try again.');
  }

  logger.info('Order decided', { orderId: orderId.data, decision: decision.decision });
  return json(202, { orderId: orderId.data, decision: decision.decision });
});
