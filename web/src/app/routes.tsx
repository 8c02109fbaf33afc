import { QueuePage } from '../admin/QueuePage';
import { BuyCreditsPage } from '../billing/BuyCreditsPage';
import { ReturnPage as BillingReturnPage } from '../billing/ReturnPage';
import { HomePage } from '../orders/HomePage';
import { OrderPage } from '../orders/OrderPage';
import { MarketplacePage } from '../studios/MarketplacePage';
import { StartOrderPage } from '../studios/StartOrderPage';
import { StudioPage } from '../studios/StudioPage';
import { lazyView } from './lazy';
import type { Route } from './router';

/** The admin's studio console: its code loads when an admin opens it, never for customers. */
const loadStudioAdmin = () => import('../admin/studios/StudioAdmin');
/** The review console, for artists and admins: loads when one of them opens it. */
const loadReview = () => import('../review/ReviewConsole');

/**
 * Every page of the app. Order matters: the first matching pattern wins, and
 * navigation entries appear in this order.
 */
export const ROUTES: readonly Route[] = [
  { path: '/studios', view: MarketplacePage, title: 'Studios', nav: 'Studios', public: true },
  { path: '/studios/:studioId', view: StudioPage, title: 'Studio', public: true },
  // Not public: a visitor who chose styles signs in here first, then the order is placed.
  { path: '/studios/:studioId/start', view: StartOrderPage, title: 'Starting your order' },
  { path: '/', view: HomePage, title: 'My orders', nav: 'My orders' },
  { path: '/orders/:orderId', view: OrderPage, title: 'Order' },
  // Linked from a delivered order and from the e-mail that says it is ready; loads on demand.
  { path: '/orders/:orderId/gallery', view: lazyView(() => import('../gallery/GalleryPage').then((m) => m.GalleryPage)), title: 'Your headshots' },
  // Team pages load on demand, outside the first page's budget.
  { path: '/organisations', view: lazyView(() => import('../organisations/OrganisationsPage').then((m) => m.OrganisationsPage)), title: 'Teams', nav: 'Teams' },
  { path: '/organisations/:orgId', view: lazyView(() => import('../organisations/OrganisationPage').then((m) => m.OrganisationPage)), title: 'Organisation' },
  // Not public: whoever opens an invitation link signs in first, then answers it here.
  { path: '/invitations/:token', view: lazyView(() => import('../organisations/InvitationPage').then((m) => m.InvitationPage)), title: 'Invitation' },
  // Reached from the balance in the header; Stripe Checkout sends the buyer back to the return page.
  { path: '/billing', view: BuyCreditsPage, title: 'Buy credits' },
  { path: '/billing/return', view: BillingReturnPage, title: 'Your purchase' },
  { path: '/account', view: lazyView(() => import('../accounts/AccountPage').then((m) => m.AccountPage)), title: 'Your account' },
  // For automation, reached from the account page: loads on demand, outside the first page's budget.
  { path: '/api-keys', view: lazyView(() => import('../apikeys/ApiKeysPage').then((m) => m.ApiKeysPage)), title: 'API keys' },
  { path: '/admin', view: QueuePage, title: 'Confirmation queue', nav: 'Confirmation queue', group: 'admins' },
  {
    path: '/admin/studios',
    view: lazyView(() => loadStudioAdmin().then((m) => m.StudioListPage)),
    title: 'Manage studios',
    nav: 'Manage studios',
    group: 'admins',
  },
  { path: '/admin/studios/:studioId', view: lazyView(() => loadStudioAdmin().then((m) => m.StudioEditorPage)), title: 'Edit studio', group: 'admins' },
  // Linked from the confirmation queue and an order's images; loads on demand.
  {
    path: '/admin/identity-lock',
    view: lazyView(() => import('../admin/generation/IdentityLockPage').then((m) => m.IdentityLockPage)),
    title: 'Identity lock',
    group: 'admins',
  },
  // The artists' review gate; admins review too (any order), artists the orders they take.
  { path: '/review', view: lazyView(() => loadReview().then((m) => m.ReviewQueuePage)), title: 'Review queue', nav: 'Review queue', group: 'artists', alsoGroups: ['admins'] },
  { path: '/review/:orderId', view: lazyView(() => loadReview().then((m) => m.ReviewOrderPage)), title: 'Review', group: 'artists', alsoGroups: ['admins'] },
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
