import { useEffect, useState } from 'preact/hooks';
import { pathFromHash } from './router';

/** The route path in the location hash, updated on every hash change. */
export function useHashPath(): string {
  const [path, setPath] = useState(() => pathFromHash(location.hash));
  useEffect(() => {
    const onChange = () => setPath(pathFromHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

/** Goes to a route path; re-announces the same path so the view reloads. */
export function navigate(path: string): void {
  if (pathFromHash(location.hash) === path) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = path;
}

/** The query of the location hash (`#/studios?tag=outdoor` → tag=outdoor), updated on every hash change. */
export function useHashQuery(): URLSearchParams {
  const read = () => new URLSearchParams(location.hash.split('?')[1] ?? '');
  const [query, setQuery] = useState(read);
  useEffect(() => {
    const onChange = () => setQuery((current) => {
      const next = read();
      return next.toString() === current.toString() ? current : next;
    });
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return query;
}

/** A hash link to a route path with a query: `hashLink('/studios', { tag: 'outdoor' })` → `#/studios?tag=outdoor`. */
export function hashLink(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const text = params.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}
