import { isTerminal, type OrderView } from '../../../shared/orders';
import { showsImages } from '../admin/generation/images';
import { OrderPipeline, StylePlanDetails } from '../admin/OrderPipeline';
import { useApp } from '../app/context';
import { lazyComponent } from '../app/lazy';
import { PhotoGrid } from '../photos/PhotoGrid';
import { acceptedCount } from '../photos/rows';
import { DownloadAll } from '../gallery/DownloadAll';
import type { RouteProps } from '../app/router';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime, formatTime, shortId } from '../ui/format';
import { credits, STATUS_EXPLANATIONS } from '../ui/labels';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { StyleFacts, Swatch } from '../ui/Swatch';
import { OrderTimeline } from './OrderTimeline';
import { OrderWizard } from './OrderWizard';
import { wasJustSubmitted } from './submitted';
import { isEditable, keepsMoving, useOrder } from './useOrder';

/** The admin's view of the generated images: its code loads when an admin opens an order in production, never for customers. */
const OrderImages = lazyComponent(() => import('../admin/generation/OrderImages').then((m) => m.OrderImages), {
  loading: (
    <Card class="card-images" label="Generated images">
      <h2>Generated images</h2>
      <Loading text="Loading the images…" />
    </Card>
  ),
  failed: 'The generated images could not be shown',
});

/** One order: the wizard while the customer can still add photos and submit it; otherwise where it is, what it means, its styles and photos, followed live until it ends. */
export function OrderPage({ params }: RouteProps) {
  const { me } = useApp();
  const orderId = params.orderId;
  const { state, refresh } = useOrder(orderId);

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
  } else if (isEditable(state.order.status) && state.order.customerId === me.sub) {
    body = <OrderWizard order={state.order} refresh={refresh} />;
  } else body = <OrderDetails order={state.order} />;

  return (
    <div class="order-page" data-testid="order-detail">
      {body}
    </div>
  );
}

function OrderDetails({ order }: { order: OrderView }) {
  const { isAdmin, me } = useApp();
  // Admins open other people's orders from the queue; send them back there.
  const fromQueue = isAdmin && order.customerId !== me.sub;
  const waiting = order.status === 'VALIDATING' || order.status === 'SUBMITTED' || order.status === 'PENDING_EDITOR_CONFIRMATION';
  const photos = order.photos ?? [];
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
          {keepsMoving(order) && (
            <span class="live" data-testid="order-live" title="This page updates by itself">
              <span class="live-dot" aria-hidden="true" />
              Live
            </span>
          )}
        </div>
        <p class="muted">
          {order.studioName} · {credits(order.credits)} · placed <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time>
          {fromQueue && order.customerEmail && ` by ${order.customerEmail}`} · last update <time dateTime={order.updatedAt}>{formatTime(order.updatedAt)}</time>
        </p>
      </div>
      {waiting && wasJustSubmitted(order.orderId) && (
        <p class="banner banner-success" role="status" data-testid="order-submitted-notice">
          Order {shortId(order.orderId)} submitted. {order.status === 'VALIDATING' ? 'We are checking your photos; then a' : 'A'} studio editor will confirm it shortly.
        </p>
      )}
      {order.status === 'DELIVERED' && (
        <Card class="gal-delivered" label="Your headshots" testid="order-delivered">
          <div>
            <h2>Your headshots are ready</h2>
            <p class="muted">See them full size, keep your favourites, and download each one or all of them at once.</p>
          </div>
          <div class="gal-delivered-actions">
            <a href={`#/orders/${order.orderId}/gallery`} class="button button-primary" data-testid="open-gallery">
              Open your gallery
            </a>
            <DownloadAll orderId={order.orderId} quiet />
          </div>
        </Card>
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
      {isAdmin && showsImages(order) && <OrderImages order={order} />}
      {photos.length > 0 && (
        <Card class="card-photos" label="Photos" testid="order-photos">
          <div class="card-header">
            <h2>Photos</h2>
            <p class="muted">
              {acceptedCount(photos)} of {photos.length} accepted{isAdmin ? '; the box shows the face the studio found' : ''}
            </p>
          </div>
          <PhotoGrid photos={photos} showFaces={isAdmin} />
        </Card>
      )}
    </>
  );
}

/** What the status means, once; for a rejection, the editor's reason as written. */
function Explanation({ order }: { order: OrderView }) {
  const ended = isTerminal(order.status) && order.status !== 'CONFIRMED' && order.status !== 'DELIVERED';
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
        {order.styleDetails.map((style) => {
          const plan = plans.get(style.styleId);
          return (
            <li class="plan" key={style.styleId} data-testid={`plan-${style.styleId}`}>
              <Swatch styleId={style.styleId} />
              <div class="plan-body">
                <div class="plan-title">
                  <strong>{style.name}</strong>
                  <span class="plan-count">
                    {credits(style.priceCredits)}
                    {admin && plan && ` · ${plan.images} images · ${plan.batches} batches`}
                  </span>
                </div>
                <StyleFacts style={style} />
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
