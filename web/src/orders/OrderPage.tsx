import { useEffect, useState } from 'preact/hooks';
import { isTerminal, type OrderView } from '../../../shared/orders';
import { styleById } from '../../../shared/styles';
import { OrderPipeline, StylePlanDetails } from '../admin/OrderPipeline';
import { ApiError, ErrorCodes } from '../api/client';
import { useApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime, formatTime, shortId } from '../ui/format';
import { STATUS_EXPLANATIONS, styleName } from '../ui/labels';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { StyleFacts, Swatch } from '../ui/Swatch';
import { OrderTimeline } from './OrderTimeline';
import { wasJustSubmitted } from './submitted';

/** How often an open order is re-read while it is still moving. */
const POLL_INTERVAL_MS = 1_500;
/**
 * For admins: after the order reaches a final status its execution finishes a
 * moment later (the last task returns first); keep reading this many times at most.
 */
const SETTLE_POLLS = 20;

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'loaded'; readonly order: OrderView };

/** One order: where it is, what it means, and its styles; follows the order live until it ends. */
export function OrderPage({ params }: RouteProps) {
  const app = useApp();
  const orderId = params.orderId;
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settlePolls = 0;
    let bannerFromPolling = false;
    let lastJson = '';

    const keepReading = (order: OrderView) => {
      if (!isTerminal(order.status)) return true;
      // Admins see the execution, which stops a moment after the order's final status.
      if (app.isAdmin && order.execution?.status === 'RUNNING' && settlePolls < SETTLE_POLLS) {
        settlePolls += 1;
        return true;
      }
      return false;
    };

    const poll = async () => {
      try {
        const order = await app.api.getOrder(orderId, signal);
        if (signal.aborted) return;
        if (bannerFromPolling) {
          app.clearError();
          bannerFromPolling = false;
        }
        // Re-render only on change, so an open disclosure or a text selection survives polling.
        const json = JSON.stringify(order);
        if (json !== lastJson) {
          lastJson = json;
          setState({ kind: 'loaded', order });
        }
        if (keepReading(order)) timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
      } catch (failure) {
        if (signal.aborted) return;
        if (failure instanceof ApiError && (failure.is(ErrorCodes.ORDER_NOT_FOUND, 404) || failure.is(ErrorCodes.VALIDATION_FAILED, 400))) {
          setState({ kind: 'missing', message: failure.message });
          return;
        }
        app.handleError(failure);
        bannerFromPolling = true;
        if (!lastJson) setState({ kind: 'unavailable' });
        // Keep trying at a calmer pace: a blip in the network should not freeze the page.
        timer = setTimeout(() => void poll(), POLL_INTERVAL_MS * 4);
      }
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [orderId]);

  let body;
  if (state.kind === 'loading') body = <Loading text="Loading the order…" />;
  else if (state.kind === 'missing') {
    body = (
      <Card testid="order-missing">
        <PageHeading>Order not found</PageHeading>
        <p class="muted">{state.message}</p>
        <a href="#/" class="button button-quiet">
          Back to my orders
        </a>
      </Card>
    );
  } else if (state.kind === 'unavailable') {
    body = (
      <Card>
        <PageHeading>Order {shortId(orderId)}</PageHeading>
        <EmptyState title="Could not load the order">Trying again in a few seconds…</EmptyState>
      </Card>
    );
  } else body = <OrderDetails order={state.order} />;

  return (
    <div class="order-page" data-testid="order-detail">
      {body}
    </div>
  );
}

function OrderDetails({ order }: { order: OrderView }) {
  const { isAdmin, me } = useApp();
  const terminal = isTerminal(order.status);
  // Admins open other people's orders from the queue; send them back there.
  const fromQueue = isAdmin && order.customerId !== me.sub;
  const waiting = order.status === 'SUBMITTED' || order.status === 'PENDING_EDITOR_CONFIRMATION';
  return (
    <>
      <div class="page-header">
        {fromQueue ? (
          <a href="#/admin" class="back-link">
            ← Confirmation queue
          </a>
        ) : (
          <a href="#/" class="back-link">
            ← My orders
          </a>
        )}
        <div class="page-title">
          <PageHeading>Order {shortId(order.orderId)}</PageHeading>
          <Badge status={order.status} testid="order-status" />
          {!terminal && (
            <span class="live" data-testid="order-live" title="This page updates by itself">
              <span class="live-dot" aria-hidden="true" />
              Live
            </span>
          )}
        </div>
        <p class="muted">
          Submitted <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time>
          {fromQueue && order.customerEmail && ` by ${order.customerEmail}`} · last update <time dateTime={order.updatedAt}>{formatTime(order.updatedAt)}</time>
        </p>
      </div>
      {waiting && wasJustSubmitted(order.orderId) && (
        <p class="banner banner-success" role="status" data-testid="order-submitted-notice">
          Order {shortId(order.orderId)} submitted. A studio editor will confirm it shortly.
        </p>
      )}
      <Card class="card-timeline" label="Progress">
        <h2>Progress</h2>
        <OrderTimeline order={order} />
        <Explanation order={order} />
      </Card>
      <div class={isAdmin || order.note ? 'layout-detail' : undefined}>
        <Card class="card-plans" label="Styles">
          <h2>Styles</h2>
          <StyleList order={order} admin={isAdmin} />
        </Card>
        {(isAdmin || order.note) && (
          <div class="detail-side">
            {isAdmin && <OrderPipeline order={order} />}
            {order.note && (
              <Card class="card-note" label={fromQueue ? 'Customer note' : 'Your note'}>
                <h2>{fromQueue ? 'Customer note' : 'Your note'}</h2>
                <p class="note" data-testid="order-note-text">
                  {order.note}
                </p>
              </Card>
            )}
          </div>
        )}
      </div>
    </>
  );
}

/** What the status means, once; for a rejection, the editor's reason as written. */
function Explanation({ order }: { order: OrderView }) {
  const ended = isTerminal(order.status) && order.status !== 'CONFIRMED';
  return (
    <div class={`explanation${ended ? ' explanation-ended' : ''}`} data-testid="order-explanation" data-status={order.status}>
      <p>{STATUS_EXPLANATIONS[order.status]}</p>
      {order.status === 'REJECTED' && order.failureReason && (
        <p data-testid="failure-reason">
          <strong>Reason from the studio: </strong>
          {order.failureReason}
        </p>
      )}
    </div>
  );
}

function StyleList({ order, admin }: { order: OrderView; admin: boolean }) {
  const plans = new Map((order.plans ?? []).map((plan) => [plan.styleId, plan]));
  return (
    <div data-testid="order-plans">
      {admin && <StylePlanDetails order={order} />}
      <ul class="plan-list">
        {order.styles.map((styleId) => {
          const offered = Boolean(styleById(styleId));
          const plan = plans.get(styleId);
          return (
            <li class="plan" key={styleId} data-testid={`plan-${styleId}`}>
              <Swatch styleId={styleId} />
              <div class="plan-body">
                <div class="plan-title">
                  <strong>{styleName(styleId)}</strong>
                  {!offered && <span class="plan-count muted">No longer offered</span>}
                  {admin && offered && plan && (
                    <span class="plan-count">
                      {plan.images} images · {plan.batches} batches
                    </span>
                  )}
                </div>
                {offered ? <StyleFacts styleId={styleId} /> : <p class="field-hint">The studio has retired this style since the order was placed.</p>}
                {admin && plan && (
                  <details class="prompt">
                    <summary>Generation prompt</summary>
                    <p>{plan.prompt}</p>
                  </details>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
