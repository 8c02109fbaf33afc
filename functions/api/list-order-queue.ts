import * as z from '../../shared/validation';
import { ORDER_STATUSES } from '../../shared/orders';
import { ddb } from '../lib/clients';
import { requireEnv } from '../lib/env';
import { apiHandler, HttpError, json } from '../lib/http';
import { OrderStore, toView } from '../lib/order-store';

const store = new OrderStore(ddb(), requireEnv('tableName'));

const statusSchema = z._default(
  z.enum(ORDER_STATUSES, { error: `status must be one of: ${ORDER_STATUSES.join(', ')}` }),
  'PENDING_EDITOR_CONFIRMATION',
);

/** GET /admin/orders?status=… — the admin queue, newest first (admins only, via the route table). */
export const handler = apiHandler(async (event) => {
  const parsed = statusSchema.safeParse(event.queryStringParameters?.status);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0].message);
  const orders = await store.listByStatus(parsed.data);
  return json(200, { status: parsed.data, orders: orders.map(toView) });
});
