import type { OrderView } from '../../../shared/orders';
import type { OrderPage, PageRequest } from './client';
import { type PagedList, usePagedList } from './usePagedList';

/** The orders of a {@link PagedList}, under the name the order pages use. */
export type PagedOrders = Omit<PagedList<OrderView>, 'items'> & { readonly orders?: readonly OrderView[] };

/** A list of orders read a page at a time (see {@link usePagedList}). */
export function usePagedOrders(
  fetchPage: (page: PageRequest, signal: AbortSignal) => Promise<OrderPage>,
  deps: readonly unknown[],
  onError: (failure: unknown) => void,
): PagedOrders {
  const list = usePagedList(
    async (page, signal) => {
      const answer = await fetchPage(page, signal);
      return { items: answer.orders, nextCursor: answer.nextCursor };
    },
    (order: OrderView) => order.orderId,
    deps,
    onError,
  );
  return { ...list, orders: list.items };
}
