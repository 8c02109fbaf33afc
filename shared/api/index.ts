/**
 * The public API v1: every route's contract, by domain. Import single routes
 * from their domain file where bundle size matters (Lambda handlers); this
 * index serves the route table, the OpenAPI document and the web client.
 */
import * as accounts from './accounts';
import * as admin from './admin';
import type { AnyRoute } from './contract';
import * as orders from './orders';
import * as platform from './platform';

export { API_VERSION } from './version';

export const routes = {
  getHealth: platform.getHealth,
  getOpenApi: platform.getOpenApi,
  getMe: accounts.getMe,
  createOrder: orders.createOrder,
  listOrders: orders.listOrders,
  getOrder: orders.getOrder,
  listOrderQueue: admin.listOrderQueue,
  decideOrder: admin.decideOrder,
} as const;

export const ALL_ROUTES: readonly AnyRoute[] = Object.values(routes) as readonly AnyRoute[];

/** Tags of the OpenAPI document, one per domain, in reading order. */
export const TAGS = [
  { name: 'orders', description: 'Customers place orders and follow them.' },
  { name: 'admin', description: 'Studio editors confirm or reject orders before any image is generated.' },
  { name: 'accounts', description: 'Who is signed in.' },
  { name: 'platform', description: 'Health and this document.' },
] as const;

export * from './contract';
export * from './errors';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';
