import type { OrderView } from '../../../shared/orders';
import type { OrderPage, PageRequest } from './client';
import { usePagedList } from './usePagedList';

export interface PagedOrders {
  /** Undefined until the first page arrives. */
  readonly orders?: readonly OrderView[];
  readonly nextCursor?: string;
  readonly loading: boolean;
  readonly loadingMore: boolean;
  /** The last first-page read failed (the list keeps what it had). */
  readonly failed: boolean;
  /** Reads the first page again, dropping later pages. */
  reload(): Promise<void>;
  /** Appends the next page. */
  loadMore(): void;
}

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
