import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { apiHandler } from '#lib/api-handler';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { getOrder } from '#shared/api/orders';
import { isTerminal } from '#shared/orders';
import { type Orders, OrderStore, toView } from './order-store';

/** GET /v1/orders/{orderId} — one order with plans and execution status; owners and admins only. */
export const getOrderHandler = ({ orders: store, sfn }: { readonly orders: Orders; readonly sfn: SFNClient }) =>
  apiHandler(getOrder, async ({ params, caller }) => {
    let order = await store.get(params.orderId);
    // Someone else's order answers 404, not 403, so order IDs cannot be probed.
    if (!order || (order.customerId !== caller.sub && !caller.groups.includes('admins'))) {
      throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
    }
    const [plans, execution] = await Promise.all([
      store.plans(order.orderId),
      order.executionArn ? sfn.send(new DescribeExecutionCommand({ executionArn: order.executionArn })) : Promise.resolve(undefined),
    ]);
    // The pipeline records an order's end before its execution ends. If the execution ended after the
    // order was read, read the order again, so a finished execution never shows beside a stale status.
    if (execution && execution.status !== 'RUNNING' && !isTerminal(order.status)) {
      order = (await store.get(order.orderId)) ?? order;
    }
    return {
      ...toView(order),
      plans,
      execution: execution && {
        status: String(execution.status),
        startedAt: execution.startDate?.toISOString(),
        stoppedAt: execution.stopDate?.toISOString(),
      },
    };
  });

requireEnv('OrderPipeline');
export const handler = getOrderHandler({ orders: new OrderStore(ddb(), requireEnv('Table')), sfn: sfnClient() });
