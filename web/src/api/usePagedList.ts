import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { PageRequest } from './client';

/** One page of a list: its items, and `nextCursor` while more follow. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

export interface PagedList<T> {
  /** Undefined until the first page arrives. */
  readonly items?: readonly T[];
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
 * A list read a page at a time. It reads the first page on mount and whenever
 * `deps` change; answers for a list that was reloaded since are dropped, and
 * items already shown (by `keyOf`) are not repeated when a later page holds them.
 */
export function usePagedList<T>(
  fetchPage: (page: PageRequest, signal: AbortSignal) => Promise<ListPage<T>>,
  keyOf: (item: T) => string,
  deps: readonly unknown[],
  onError: (failure: unknown) => void,
): PagedList<T> {
  const [items, setItems] = useState<readonly T[]>();
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
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    controller.current?.abort();
    const abort = (controller.current = new AbortController());
    setLoading(true);
    setLoadingMore(false);
    try {
      const page = await fetchRef.current({}, abort.signal);
      if (mine !== generation.current) return;
      setItems(page.items);
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
        setItems((current) => {
          const seen = new Set((current ?? []).map((item) => keyRef.current(item)));
          return [...(current ?? []), ...page.items.filter((item) => !seen.has(keyRef.current(item)))];
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
    setItems(undefined);
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

  return { items, nextCursor, loading, loadingMore, failed, reload, loadMore };
}
