import { useEffect, useRef, useState } from 'preact/hooks';
import { OPEN_STATUSES, type OpenStatus } from '../../../shared/orders';
import { usePagedOrders } from '../api/usePagedOrders';
import { useApp } from '../app/context';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { STATUS_LABELS } from '../ui/labels';
import { LoadMore } from '../ui/LoadMore';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { QueueRow } from './QueueRow';

/** The queue re-reads itself this often, unless someone is deciding an order. */
const QUEUE_REFRESH_MS = 10_000;
const WAITING: OpenStatus = 'PENDING_EDITOR_CONFIRMATION';

/** The admin console: orders waiting at the confirmation gate (or in another status of orders in progress), with Confirm and Reject. */
export function QueuePage() {
  const app = useApp();
  const [status, setStatus] = useState<OpenStatus>(WAITING);
  // The order stays PENDING_EDITOR_CONFIRMATION until its pipeline resumes and
  // records the decision; hide the decided ones meanwhile so nobody decides twice.
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  /** Rows someone is working in (rejection form open, decision on its way): no auto-refresh meanwhile. */
  const holds = useRef(new Set<string>());
  const list = usePagedOrders((page, signal) => app.api.orderQueue(status, page, signal), [status], app.handleError);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      // Never pull the rows away from someone mid-decision.
      if (holds.current.size === 0 && !list.loading && !list.loadingMore) void list.reload();
      timer = setTimeout(tick, QUEUE_REFRESH_MS);
    };
    timer = setTimeout(tick, QUEUE_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [list.reload, list.loading, list.loadingMore]);

  const orders = list.orders && (status === WAITING ? list.orders.filter((o) => !decided.has(o.orderId)) : list.orders);
  const label = STATUS_LABELS[status].toLowerCase();

  return (
    <div class="admin-page">
      <div class="page-header page-header-actions">
        <div>
          <PageHeading>Confirmation queue</PageHeading>
          <p class="muted">Confirm an order to start its image pipeline, or reject it with a reason the customer will read.</p>
        </div>
        <a href="#/admin/identity-lock" class="button button-quiet button-small" data-testid="identity-lock-link">
          Identity lock figures
        </a>
      </div>
      <Card class="card-queue" label="Orders" testid="admin-queue">
        <div class="card-header">
          <div class="filter">
            <label for="admin-status-filter">Status</label>
            <select
              id="admin-status-filter"
              data-testid="admin-status-filter"
              value={status}
              onChange={(e) => {
                holds.current.clear();
                const chosen = OPEN_STATUSES.find((s) => s === e.currentTarget.value);
                if (chosen) setStatus(chosen);
              }}
            >
              {OPEN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <p class="muted" aria-live="polite" data-testid="admin-queue-summary">
            {orders && (orders.length === 1 ? `1 order is ${label}.` : `${orders.length}${list.nextCursor ? '+' : ''} orders are ${label}.`)}
          </p>
          <button type="button" class="button button-quiet button-small" data-testid="admin-refresh" disabled={list.loading} onClick={() => void list.reload()}>
            Refresh
          </button>
        </div>
        <div class="card-body">
          {orders === undefined ? (
            list.failed ? (
              <EmptyState title="Could not load the queue">Try Refresh in a moment.</EmptyState>
            ) : (
              <Loading text="Loading the queue…" />
            )
          ) : orders.length === 0 ? (
            <EmptyState title={status === WAITING ? 'Nothing is waiting for confirmation' : `No ${label} orders`}>New orders appear here by themselves.</EmptyState>
          ) : (
            <div class="table-scroll">
              <table class="queue">
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Styles</th>
                    <th scope="col">Note</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {orders.map((order) => (
                    <QueueRow
                      key={order.orderId}
                      order={order}
                      onHold={(held) => (held ? holds.current.add(order.orderId) : holds.current.delete(order.orderId))}
                      onDecided={(gone) => {
                        holds.current.delete(order.orderId);
                        if (gone) setDecided((current) => new Set(current).add(order.orderId));
                        return list.reload();
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <LoadMore cursor={list.nextCursor} loading={list.loadingMore} onLoad={list.loadMore} testid="admin-load-more" />
        </div>
      </Card>
    </div>
  );
}
