import { type Orders, OrderStore, toView } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { listOrderQueue } from '#shared/api/admin';
import { pageSize } from '#shared/api/paging';

/** GET /v1/admin/orders?status=…&limit=…&cursor=… — the admin queue, newest first (admins only, via the route contract). */
export const listOrderQueueHandler = ({ orders }: { readonly orders: Orders }) =>
  apiHandler(listOrderQueue, async ({ query }) => {
    const status = query.status ?? 'PENDING_EDITOR_CONFIRMATION';
    const page = await orders.listByStatus(status, { limit: pageSize(query.limit), cursor: query.cursor });
    return { status, orders: page.items.map(toView), nextCursor: page.nextCursor };
  });

export const handler = listOrderQueueHandler({ orders: new OrderStore(ddb(), requireEnv('Table')) });
