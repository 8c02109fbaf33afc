import { createOrderSchema, orderViewSchema } from '../orders';
import * as z from '../validation';
import { defineRoute } from './contract';
import { pageOf, pageQuery } from './paging';

export const orderIdParams = z.strictObject({
  orderId: z.uuid({ error: 'The order ID in the path is not a valid order ID.' }),
});

/** The customer's orders. */
export const createOrder = defineRoute({
  operationId: 'createOrder',
  method: 'POST',
  path: '/v1/orders',
  auth: 'user',
  tag: 'orders',
  summary: 'Start an order: a studio and its styles',
  description:
    'Creates a draft order. Upload selfies to it (`createPhotoUpload`), then submit it (`submitOrder`); a studio editor confirms it before any image is generated.',
  body: createOrderSchema,
  status: 201,
  response: orderViewSchema,
  errors: ['STUDIO_NOT_FOUND', 'UNKNOWN_STYLE', 'WALLET_NOT_FOUND', 'TOO_MANY_OPEN_ORDERS'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

export const listOrders = defineRoute({
  operationId: 'listOrders',
  method: 'GET',
  path: '/v1/orders',
  auth: 'user',
  tag: 'orders',
  summary: "List the caller's orders, newest first",
  query: z.strictObject(pageQuery),
  status: 200,
  response: pageOf('orders', orderViewSchema),
  errors: [],
});

export const discardOrder = defineRoute({
  operationId: 'discardOrder',
  method: 'DELETE',
  path: '/v1/orders/{orderId}',
  auth: 'user',
  tag: 'orders',
  summary: 'Discard a draft',
  description:
    'The customer gives up an order that has not gone to the studio (a draft, or one that needs new photos): its selfies are deleted, credits it held go back to the wallet, and it stops counting among the orders in progress.',
  params: orderIdParams,
  status: 200,
  response: orderViewSchema,
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_EDITABLE'],
});

export const getOrder = defineRoute({
  operationId: 'getOrder',
  method: 'GET',
  path: '/v1/orders/{orderId}',
  auth: 'user',
  tag: 'orders',
  summary: 'Read one order with its timeline and photos',
  description:
    "Customers read their own orders; admins read any order and also see each style's plan and the pipeline execution. Photo links are signed and short-lived.",
  params: orderIdParams,
  status: 200,
  response: orderViewSchema,
  errors: ['ORDER_NOT_FOUND'],
});
