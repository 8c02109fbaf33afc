import { decisionSchema, OPEN_STATUSES, orderViewSchema } from '../orders';
import * as z from '../validation';
import { defineRoute } from './contract';
import { orderIdParams } from './orders';
import { pageQuery } from './paging';

/** The admin console: the confirmation queue and the gate's decisions. */
export const listOrderQueue = defineRoute({
  operationId: 'listOrderQueue',
  method: 'GET',
  path: '/v1/admin/orders',
  auth: 'admins',
  tag: 'admin',
  summary: 'List the orders in progress in one status, newest first',
  description:
    'Defaults to the orders waiting for confirmation. Page through all of them with `cursor`. Finished orders leave this list (the status index is sparse).',
  query: z.strictObject({
    status: z.optional(z.enum(OPEN_STATUSES, { error: `status must be one of the statuses of orders in progress: ${OPEN_STATUSES.join(', ')}` })),
    ...pageQuery,
  }),
  status: 200,
  response: z.object({ status: z.enum(OPEN_STATUSES), orders: z.array(orderViewSchema), nextCursor: z.optional(z.string()) }),
  errors: [],
});

export const decideOrder = defineRoute({
  operationId: 'decideOrder',
  method: 'POST',
  path: '/v1/admin/orders/{orderId}/decision',
  auth: 'admins',
  tag: 'admin',
  summary: 'Confirm or reject an order waiting at the confirmation gate',
  description: 'Confirming lets the pipeline go on; rejecting ends the order with the reason, which the customer reads.',
  params: orderIdParams,
  body: decisionSchema,
  status: 202,
  response: z.object({ orderId: z.string(), decision: z.enum(['confirm', 'reject']) }),
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_WAITING', 'DECISION_NOT_RECORDED'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

