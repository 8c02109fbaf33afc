import { QueuePage } from '../admin/QueuePage';
import { ArtistPage } from '../artists/ArtistPage';
import { HomePage } from '../orders/HomePage';
import { OrderPage } from '../orders/OrderPage';
import { lazyView } from './lazy';
import type { Route } from './router';

/**
 * Every page of the app. Order matters: the first matching pattern wins, and
 * navigation entries appear in this order.
 */
export const ROUTES: readonly Route[] = [
  { path: '/', view: HomePage, title: 'My studio', nav: 'My studio' },
  { path: '/orders/:orderId', view: OrderPage, title: 'Order' },
  { path: '/admin', view: QueuePage, title: 'Confirmation queue', nav: 'Confirmation queue', group: 'admins' },
  { path: '/artist', view: ArtistPage, title: 'Review queue', nav: 'Review queue', group: 'artists' },
  {
    path: '/docs',
    // The reference is for developers: its code loads when the page opens.
    view: lazyView(() => import('../docs/DocsPage').then((m) => m.DocsPage)),
    title: 'API docs',
    public: true,
  },
];

/** The `data-testid` of a route's navigation link: `nav-home`, `nav-admin`, … */
export function navTestId(path: string): string {
  return `nav-${path.split('/').filter(Boolean).join('-') || 'home'}`;
}
