import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { OrderView } from '../../../shared/orders';
import type { OrderPage, PageRequest } from './client';

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

/**
 * A list of orders read a page at a time. It reads the first page on mount and
 * whenever `deps` change; answers for a list that was reloaded since are dropped.
 */
export function usePagedOrders(
  fetchPage: (page: PageRequest, signal: AbortSignal) => Promise<OrderPage>,
  deps: readonly unknown[],
  onError: (failure: unknown) => void,
): PagedOrders {
  const [orders, setOrders] = useState<readonly OrderView[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [failed, setFailed] = useState(false);
  const generation = useRef(0);
  const controller = useRef<AbortController>();
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const errorRef = useRef(onError);
  errorRef.current = onError;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    controller.current?.abort();
    const abort = (controller.current = new AbortController());
    setLoading(true);
    setLoadingMore(false);
    try {
      const page = await fetchRef.current({}, abort.signal);
      if (mine !== generation.current) return;
      setOrders(page.orders);
      setNextCursor(page.nextCursor);
      setFailed(false);
    } catch (failure) {
      if (mine !== generation.current || abort.signal.aborted) return;
      setFailed(true);
      errorRef.current(failure);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const loadMore = useCallback(() => {
    const cursor = nextCursor;
    if (!cursor) return;
    const mine = generation.current;
    const signal = controller.current?.signal ?? new AbortController().signal;
    setLoadingMore(true);
    fetchRef.current({ cursor }, signal).then(
      (page) => {
        if (mine !== generation.current) return;
        setOrders((current) => {
          const seen = new Set((current ?? []).map((o) => o.orderId));
          return [...(current ?? []), ...page.orders.filter((o) => !seen.has(o.orderId))];
        });
        setNextCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current || signal.aborted) return;
        setLoadingMore(false);
        errorRef.current(failure);
      },
    );
  }, [nextCursor]);

  useEffect(() => {
    setOrders(undefined);
    setNextCursor(undefined);
    void reload();
  }, deps);

  useEffect(
    () => () => {
      generation.current += 1;
      controller.current?.abort();
    },
    [],
  );

  return { orders, nextCursor, loading, loadingMore, failed, reload, loadMore };
}
