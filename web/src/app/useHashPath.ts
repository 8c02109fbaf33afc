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
