import type { OrderView } from '../../../shared/orders';
import { useApp } from '../app/context';
import { usePagedOrders } from '../api/usePagedOrders';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime, shortId } from '../ui/format';
import { LoadMore } from '../ui/LoadMore';
import { Loading } from '../ui/Spinner';
import { StyleChips } from '../ui/Swatch';

/** The customer's orders, newest first, a page at a time. */
export function MyOrders() {
  const app = useApp();
  const list = usePagedOrders((page, signal) => app.api.listOrders(page, signal), [], app.handleError);

  return (
    <Card class="card-orders" label="My orders" testid="my-orders">
      <div class="card-header">
        <h2>Your orders</h2>
        <button type="button" class="button button-quiet button-small" data-testid="orders-refresh" disabled={list.loading} onClick={list.reload}>
          Refresh
        </button>
      </div>
      <div class="card-body">
        {list.orders === undefined ? (
          list.failed ? (
            <EmptyState title="Could not load your orders">Try Refresh in a moment.</EmptyState>
          ) : (
            <Loading text="Loading your orders…" />
          )
        ) : list.orders.length === 0 ? (
          <EmptyState title="No orders yet">
            Your orders appear here once you start one. <a href="#/studios">Browse the studios</a>.
          </EmptyState>
        ) : (
          <OrderList orders={list.orders} />
        )}
        <LoadMore cursor={list.nextCursor} loading={list.loadingMore} onLoad={list.loadMore} testid="orders-load-more" label="Load older orders" />
      </div>
    </Card>
  );
}

function OrderList({ orders }: { orders: readonly OrderView[] }) {
  return (
    <ul class="order-list">
      {orders.map((order) => (
        <li key={order.orderId}>
          <a class="order-row" href={`#/orders/${order.orderId}`} data-testid={`order-row-${order.orderId}`}>
            <span class="order-row-main">
              <strong>
                Order {shortId(order.orderId)} · {order.studioName}
              </strong>
              <time class="muted" dateTime={order.createdAt}>
                {formatDateTime(order.createdAt)}
              </time>
            </span>
            <Badge status={order.status} />
            <StyleChips styles={order.styleDetails} />
          </a>
        </li>
      ))}
    </ul>
  );
}
