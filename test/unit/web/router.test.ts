import { h } from 'preact';
import { canOpen, landingPath, matchPath, navRoutes, pathFromHash, resolveRoute, type Route } from '../../../web/src/app/router';

const View = () => h('div', {});
const ROUTES: readonly Route[] = [
  { path: '/', view: View, title: 'My studio', nav: 'My studio' },
  { path: '/orders/:orderId', view: View, title: 'Order' },
  { path: '/admin', view: View, title: 'Confirmation queue', nav: 'Confirmation queue', group: 'admins' },
  { path: '/review', view: View, title: 'Review queue', nav: 'Review queue', group: 'artists', alsoGroups: ['admins'] },
  { path: '/artist-only', view: View, title: 'Artists only', group: 'artists' },
  { path: '/docs', view: View, title: 'API docs', public: true },
];

describe('pathFromHash', () => {
  it.each([
    ['', '/'],
    ['#', '/'],
    ['#/', '/'],
    ['#/admin', '/admin'],
    ['#/admin/', '/admin'],
    ['#admin', '/admin'],
    ['#/orders/abc?tab=plans', '/orders/abc'],
  ])('%j is %j', (hash, path) => expect(pathFromHash(hash)).toBe(path));
});

describe('matchPath', () => {
  it('matches static paths exactly', () => {
    expect(matchPath('/admin', '/admin')).toEqual({});
    expect(matchPath('/admin', '/admin/more')).toBeUndefined();
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/', '/admin')).toBeUndefined();
  });

  it('reads and decodes parameters', () => {
    expect(matchPath('/orders/:orderId', '/orders/4f1c-9a')).toEqual({ orderId: '4f1c-9a' });
    expect(matchPath('/orders/:orderId', '/orders/a%20b')).toEqual({ orderId: 'a b' });
    expect(matchPath('/a/:x/b/:y', '/a/1/b/2')).toEqual({ x: '1', y: '2' });
  });

  it('refuses missing or malformed parameters', () => {
    expect(matchPath('/orders/:orderId', '/orders')).toBeUndefined();
    expect(matchPath('/orders/:orderId', '/orders/%E0%A4%A')).toBeUndefined();
  });
});

describe('resolveRoute', () => {
  it('finds the route and its params', () => {
    const resolved = resolveRoute(ROUTES, '/orders/123', []);
    expect(resolved).toMatchObject({ kind: 'found', params: { orderId: '123' } });
    expect(resolved.kind !== 'not-found' && resolved.route.title).toBe('Order');
  });

  it('says forbidden when the person lacks the group, found when they have it', () => {
    expect(resolveRoute(ROUTES, '/admin', []).kind).toBe('forbidden');
    expect(resolveRoute(ROUTES, '/admin', ['artists']).kind).toBe('forbidden');
    expect(resolveRoute(ROUTES, '/admin', ['admins']).kind).toBe('found');
    expect(resolveRoute(ROUTES, '/artist-only', ['artists']).kind).toBe('found');
    expect(resolveRoute(ROUTES, '/artist-only', ['admins']).kind).toBe('forbidden');
  });

  it('opens a route to any of its groups', () => {
    expect(resolveRoute(ROUTES, '/review', ['artists']).kind).toBe('found');
    expect(resolveRoute(ROUTES, '/review', ['admins']).kind).toBe('found');
    expect(resolveRoute(ROUTES, '/review', []).kind).toBe('forbidden');
  });

  it('opens public routes to anyone', () => {
    const resolved = resolveRoute(ROUTES, '/docs', []);
    expect(resolved.kind).toBe('found');
    expect(resolved.kind === 'found' && resolved.route.public).toBe(true);
  });

  it('says not found for unknown paths', () => {
    expect(resolveRoute(ROUTES, '/nowhere', ['admins'])).toEqual({ kind: 'not-found', path: '/nowhere' });
    expect(resolveRoute(ROUTES, '/orders/1/extra', []).kind).toBe('not-found');
  });
});

describe('navigation and landing', () => {
  it('lists only the entries a person may open', () => {
    expect(navRoutes(ROUTES, []).map((r) => r.path)).toEqual(['/']);
    expect(navRoutes(ROUTES, ['admins']).map((r) => r.path)).toEqual(['/', '/admin', '/review']);
    expect(navRoutes(ROUTES, ['artists']).map((r) => r.path)).toEqual(['/', '/review']);
    expect(navRoutes(ROUTES, ['admins', 'artists']).map((r) => r.path)).toEqual(['/', '/admin', '/review']);
    expect(canOpen(ROUTES[0], [])).toBe(true);
  });

  it('lands admins on their queue, artists on the review queue, customers in the marketplace', () => {
    expect(landingPath(['admins'])).toBe('/admin');
    expect(landingPath(['artists', 'admins'])).toBe('/admin');
    expect(landingPath(['artists'])).toBe('/review');
    expect(landingPath([])).toBe('/studios');
  });
});

describe('the app route table', () => {
  // Imported late: the table pulls in every view.
  const { ROUTES: APP_ROUTES, navTestId } = jest.requireActual<typeof import('../../../web/src/app/routes')>('../../../web/src/app/routes');

  it('has the pages, their groups and the public API docs', () => {
    const byPath = Object.fromEntries(APP_ROUTES.map((r) => [r.path, r]));
    expect(Object.keys(byPath)).toEqual([
      '/studios',
      '/studios/:studioId',
      '/studios/:studioId/start',
      '/',
      '/orders/:orderId',
      '/orders/:orderId/gallery',
      '/organisations',
      '/organisations/:orgId',
      '/invitations/:token',
      '/billing',
      '/billing/return',
      '/account',
      '/api-keys',
      '/admin',
      '/admin/studios',
      '/admin/studios/:studioId',
      '/admin/identity-lock',
      '/review',
      '/review/:orderId',
      '/docs',
    ]);
    expect(byPath['/admin'].group).toBe('admins');
    expect(byPath['/admin/studios'].group).toBe('admins');
    expect(byPath['/admin/studios/:studioId'].group).toBe('admins');
    // Reached from the queue, not from the navigation.
    expect(byPath['/admin/identity-lock'].group).toBe('admins');
    expect(byPath['/admin/identity-lock'].nav).toBeUndefined();
    // Artists and admins review; customers open their own gallery.
    for (const path of ['/review', '/review/:orderId']) {
      expect(canOpen(byPath[path], ['artists'])).toBe(true);
      expect(canOpen(byPath[path], ['admins'])).toBe(true);
      expect(canOpen(byPath[path], [])).toBe(false);
    }
    expect(byPath['/orders/:orderId/gallery'].group).toBeUndefined();
    // The marketplace and studio pages open without sign-in; placing the order needs it.
    expect(APP_ROUTES.filter((r) => r.public).map((r) => r.path)).toEqual(['/studios', '/studios/:studioId', '/docs']);
    expect(navRoutes(APP_ROUTES, []).map((r) => r.nav)).toEqual(['Studios', 'My orders', 'Teams']);
    expect(navRoutes(APP_ROUTES, ['admins']).map((r) => r.nav)).toEqual(['Studios', 'My orders', 'Teams', 'Confirmation queue', 'Manage studios', 'Review queue']);
    expect(navRoutes(APP_ROUTES, ['artists']).map((r) => r.nav)).toEqual(['Studios', 'My orders', 'Teams', 'Review queue']);
    expect(navTestId('/')).toBe('nav-home');
    expect(navTestId('/admin')).toBe('nav-admin');
    expect(navTestId('/admin/studios')).toBe('nav-admin-studios');
    expect(navTestId('/review')).toBe('nav-review');
  });
});
