import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { isTerminal } from '../../shared/orders';
import * as z from '../../shared/validation';
import { ddb, sfnClient } from '../lib/clients';
import { requireEnv } from '../lib/env';
import { apiHandler, HttpError, json } from '../lib/http';
import { OrderStore, toView } from '../lib/order-store';

const store = new OrderStore(ddb(), requireEnv('tableName'));
requireEnv('orderPipelineArn');

export const orderIdSchema = z.uuid({ error: 'The order ID in the path is not a valid order ID.' });

/** GET /orders/{orderId} — one order with plans and execution status; owners and admins only. */
export const handler = apiHandler(async (event, caller) => {
  const parsed = orderIdSchema.safeParse(event.pathParameters?.orderId);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0].message);
  let order = await store.get(parsed.data);
  // Someone else's order answers 404, not 403, so order IDs cannot be probed.
  if (!order || (order.customerId !== caller.sub && !caller.groups.includes('admins'))) {
    throw new HttpError(404, 'No such order.');
  }
  const [plans, execution] = await Promise.all([
    store.plans(order.orderId),
    order.executionArn
      ? sfnClient().send(new DescribeExecutionCommand({ executionArn: order.executionArn }))
      : Promise.resolve(undefined),
  ]);
  // The pipeline records an order's end before its execution ends. If the execution ended after the
  // order was read, read the order again, so a finished execution never shows beside a stale status.
  if (execution && execution.status !== 'RUNNING' && !isTerminal(order.status)) {
    order = (await store.get(order.orderId)) ?? order;
  }
  return json(200, {
    ...toView(order),
    plans,
    execution: execution && {
      status: execution.status,
      startedAt: execution.startDate?.toISOString(),
      stoppedAt: execution.stopDate?.toISOString(),
    },
  });
});
