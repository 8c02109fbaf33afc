import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { EmptyState } from '../ui/EmptyState';
import { Loading } from '../ui/Spinner';
import type { RouteProps } from './router';

/**
 * A view whose code is fetched when it first opens (a separate chunk), so it
 * stays out of the first page's download.
 */
export function lazyView(load: () => Promise<ComponentType<RouteProps>>): ComponentType<RouteProps> {
  let loaded: ComponentType<RouteProps> | undefined;
  return function LazyView(props: RouteProps) {
    const [View, setView] = useState<ComponentType<RouteProps> | undefined>(() => loaded);
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
          <EmptyState title="This page could not be loaded">Check your connection, then reload the page.</EmptyState>
        </div>
      );
    }
    return View ? <View {...props} /> : <Loading text="Loading…" />;
  };
}
