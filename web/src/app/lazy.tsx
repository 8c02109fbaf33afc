import type { ComponentChild, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { EmptyState } from '../ui/EmptyState';
import { Loading } from '../ui/Spinner';
import type { RouteProps } from './router';

/**
 * A view whose code is fetched when it first opens (a separate chunk), so it
 * stays out of the first page's download.
 */
export function lazyView(load: () => Promise<ComponentType<RouteProps>>): ComponentType<RouteProps> {
  return lazyComponent(load, { loading: <Loading text="Loading…" />, failed: 'This page could not be loaded' });
}

/**
 * A component whose code is fetched when it first renders (a separate chunk):
 * `loading` shows meanwhile; if the chunk cannot be fetched, a notice titled
 * `failed` asks to check the connection and reload.
 */
export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  { loading, failed: failedTitle }: { readonly loading: ComponentChild; readonly failed: string },
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyComponent(props: P) {
    const [View, setView] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (View) return;
      let live = true;
      load().then(
        (view) => {
          loaded = view;
          if (live) setView(() => view);
        },
        (error: unknown) => {
          console.error(error);
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, [View]);
    if (failed) {
      return (
        <div class="card card-narrow" role="alert">
          <EmptyState title={failedTitle}>Check your connection, then reload the page.</EmptyState>
        </div>
      );
    }
    return View ? <View {...props} /> : <>{loading}</>;
  };
}
