import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

let focusPending = false;

/** Asks the next page heading that appears to take the focus (called on each route change). */
export function focusHeadingOnNextRender(): void {
  focusPending = true;
}

/**
 * The page's `<h1>`. After a route change the first one to mount takes the
 * focus, so screen readers announce the new page and keyboard users start there.
 */
export function PageHeading({ children, testid }: { children?: ComponentChildren; testid?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!focusPending || !ref.current) return;
    focusPending = false;
    ref.current.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} class="page-heading" data-testid={testid}>
      {children}
    </h1>
  );
}
