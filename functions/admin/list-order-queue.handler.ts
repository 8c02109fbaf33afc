import { UserDirectory } from '#functions/accounts/user-directory';
import { type Orders, OrderStore, toView } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { listOrderQueue } from '#shared/api/admin';
import { pageSize } from '#shared/api/paging';

/**
 * GET /v1/admin/orders?status=…&limit=…&cursor=… — the admin queue, newest
 * first (admins only, via the route contract), each order with its customer's
 * e-mail from the user pool (one look-up per customer on the page).
 */
export const listOrderQueueHandler = ({ orders, directory }: { readonly orders: Orders; readonly directory: Pick<UserDirectory, 'profile'> }) =>
  apiHandler(listOrderQueue, async ({ query }) => {
    const status = query.status ?? 'PENDING_EDITOR_CONFIRMATION';
    const page = await orders.listByStatus(status, { limit: pageSize(query.limit), cursor: query.cursor });
    const customers = [...new Set(page.items.filter((order) => !order.customerEmail).map((order) => order.customerId))];
    const emails = new Map(await Promise.all(customers.map(async (sub) => [sub, (await directory.profile(sub))?.email] as const)));
    return {
      status,
      orders: page.items.map((order) => ({ ...toView(order), customerEmail: order.customerEmail ?? emails.get(order.customerId) })),
      nextCursor: page.nextCursor,
    };
  });

export const handler = listOrderQueueHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  directory: new UserDirectory(cognitoClient(), requireEnv('UserPool')),
});
