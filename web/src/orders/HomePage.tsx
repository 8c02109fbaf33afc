import { PageHeading } from '../ui/PageHeading';
import { MyOrders } from './MyOrders';

/** The customer's own page: their orders, and the way to a new one (through a studio). */
export function HomePage() {
  return (
    <div class="home-page">
      <div class="page-header page-header-actions">
        <div>
          <PageHeading>My orders</PageHeading>
          <p class="muted">Every order starts in a studio: pick one, choose its looks, then upload a few selfies.</p>
        </div>
        <a href="#/studios" class="button button-primary" data-testid="browse-studios">
          Browse studios
        </a>
      </div>
      <MyOrders />
    </div>
  );
}
