import type { ComponentType } from 'preact';

/**
 * A small hash router over one route table. Routes live in the URL hash
 * (`#/`, `#/orders/{id}`, `#/admin`) because the static site on S3 and
 * CloudFront has no server-side routing.
 */

/** Cognito groups that open parts of the app. */
export type Group = 'admins' | 'artists';

export type RouteParams = Readonly<Record<string, string>>;

export interface RouteProps {
  readonly params: RouteParams;
}

export interface Route {
  /** Pattern such as `/orders/:orderId`; `:name` matches one path segment. */
  readonly path: string;
  readonly view: ComponentType<RouteProps>;
  /** The document title (the app's name is appended). */
  readonly title: string;
  /** Label in the main navigation; absent for routes reached by links only. */
  readonly nav?: string;
  /** The Cognito group a person needs (the page that turns others away names it); absent for anyone signed in. */
  readonly group?: Group;
  /**
   * Further groups that also open the route: a person in `group` or in any of
   * these may. (A second field rather than a list in `group`, so the page that
   * turns others away keeps one audience to name.) @default - `group` alone
   */
  readonly alsoGroups?: readonly Group[];
  /** Open to everyone, signed in or not. */
  readonly public?: boolean;
}

export type Resolved =
  | { readonly kind: 'found'; readonly route: Route; readonly params: RouteParams }
  | { readonly kind: 'forbidden'; readonly route: Route; readonly params: RouteParams }
  | { readonly kind: 'not-found'; readonly path: string };

/** The route path of a location hash: `#/orders/1?x` → `/orders/1`; no hash → `/`. */
export function pathFromHash(hash: string): string {
  const path = hash.replace(/^#/, '').split('?')[0];
  if (!path || path === '/') return '/';
  const clean = (path.startsWith('/') ? path : `/${path}`).replace(/\/+$/, '');
  return clean || '/';
}

/** The parameters of `path` when it matches `pattern`, else undefined. */
export function matchPath(pattern: string, path: string): RouteParams | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
      if (!value) return undefined;
      params[want[i].slice(1)] = value;
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

/** Whether a person in `groups` may open the route. */
export function canOpen(route: Route, groups: readonly string[]): boolean {
  if (!route.group) return true;
  return [route.group, ...(route.alsoGroups ?? [])].some((group) => groups.includes(group));
}

/** The first route matching `path`, and whether a person in `groups` may open it. */
export function resolveRoute(routes: readonly Route[], path: string, groups: readonly string[]): Resolved {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    return { kind: canOpen(route, groups) ? 'found' : 'forbidden', route, params };
  }
  return { kind: 'not-found', path };
}

/** The navigation entries a person in `groups` sees, in table order. */
export function navRoutes(routes: readonly Route[], groups: readonly string[]): Route[] {
  return routes.filter((route) => route.nav && canOpen(route, groups));
}

/** Where a person starts after signing in: admins at their queue, artists at the review queue, customers in the marketplace of studios. */
export function landingPath(groups: readonly string[]): string {
  if (groups.includes('admins')) return '/admin';
  if (groups.includes('artists')) return '/review';
  return '/studios';
}

/** Where a visitor who is not signed in starts: the public marketplace. */
export const PUBLIC_LANDING = '/studios';

/** Builds a hash link to a route path. */
export function href(path: string): string {
  return `#${path}`;
}
