import { ddb } from '../lib/clients';
import { requireEnv } from '../lib/env';
import { apiHandler, json } from '../lib/http';
import { OrderStore, toView } from '../lib/order-store';

const store = new OrderStore(ddb(), requireEnv('tableName'));

/** GET /orders — the caller's own orders, newest first. */
export const handler = apiHandler(async (_event, caller) => {
  const orders = await store.listByCustomer(caller.sub);
  return json(200, { orders: orders.map(toView) });
});
