import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { listOrders } from '#shared/api/orders';
import { pageSize } from '#shared/api/paging';
import { type Orders, OrderStore, toView } from './order-store';

/** GET /v1/orders — the caller's own orders, newest first, a page at a time. */
export const listOrdersHandler = ({ orders }: { readonly orders: Orders }) =>
  apiHandler(listOrders, async ({ caller, query }) => {
    const page = await orders.listByCustomer(caller.sub, { limit: pageSize(query.limit), cursor: query.cursor });
    return { orders: page.items.map(toView), nextCursor: page.nextCursor };
  });

export const handler = listOrdersHandler({ orders: new OrderStore(ddb(), requireEnv('Table')) });
