import type { Caller } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import { type Orders, type OrderRecord, readableBy } from '#functions/orders/order-store';
import type { Deliveries, DeliveryRecord } from './delivery-store';

/**
 * A delivered order as its customer (or an admin) may read it. Someone else's
 * order answers 404 like a missing one, so order IDs cannot be probed; an
 * order not delivered yet answers 409.
 */
export async function deliveredOrder(
  orders: Pick<Orders, 'get'>,
  deliveries: Pick<Deliveries, 'get'>,
  orderId: string,
  caller: Pick<Caller, 'sub' | 'groups'>,
): Promise<{ order: OrderRecord; delivery: DeliveryRecord & { archive: NonNullable<DeliveryRecord['archive']> } }> {
  const order = await orders.get(orderId);
  if (!order || !readableBy(order, caller)) throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
  const delivery = await deliveries.get(orderId);
  if (order.status !== 'DELIVERED' || !delivery?.archive) {
    throw new ApiError('ORDER_NOT_DELIVERED', 'This order has not been delivered yet; you will get an e-mail when your headshots are ready.');
  }
  return { order, delivery: delivery as DeliveryRecord & { archive: NonNullable<DeliveryRecord['archive']> } };
}
