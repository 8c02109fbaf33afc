import { isTerminal, type OrderView, type StylePlan } from '../../../shared/orders';
import { ApiError } from '../api';
import { badge, card, emptyState, loading, styleFacts, swatch, timeline, type ViewContext } from '../components';
import { formatDateTime, formatTime, h, mount, shortId } from '../dom';
import { styleName } from '../labels';

/** How often an open order is re-read while its pipeline is still moving. */
const POLL_INTERVAL_MS = 1_500;
/**
 * After the order reaches a final status its execution finishes a moment
 * later (the last task returns first); keep polling this many times at most.
 */
const SETTLE_POLLS = 20;

/** One order: progress timeline, pipeline execution and the plan for each style; live while it moves. */
export function orderView(ctx: ViewContext, orderId: string): HTMLElement {
  const root = h('div', { class: 'order-page', testid: 'order-detail' }, loading('Loading the order…'));
  let lastJson = '';
  let settlePolls = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let bannerFromPolling = false;

  ctx.signal.addEventListener('abort', () => clearTimeout(timer));

  const stillMoving = (order: OrderView) => {
    if (!isTerminal(order.status)) return true;
    if (order.execution?.status === 'RUNNING' && settlePolls < SETTLE_POLLS) {
      settlePolls += 1;
      return true;
    }
    return false;
  };

  const poll = async () => {
    try {
      const order = await ctx.api.getOrder(orderId, ctx.signal);
      if (ctx.signal.aborted) return;
      if (bannerFromPolling) {
        ctx.clearError();
        bannerFromPolling = false;
      }
      const moving = stillMoving(order);
      // Re-render only on change, so an open prompt or a text selection survives polling.
      const json = JSON.stringify(order) + String(moving);
      if (json !== lastJson) {
        lastJson = json;
        mount(root, orderPage(order, moving, ctx));
      }
      if (moving) timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    } catch (failure) {
      if (ctx.signal.aborted) return;
      if (failure instanceof ApiError && (failure.status === 404 || failure.status === 400)) {
        mount(root, card({}, emptyState('Order not found', failure.message), h('a', { href: '#/', class: 'button button-quiet' }, 'Back to my orders')));
        return;
      }
      ctx.handleError(failure);
      bannerFromPolling = true;
      if (!lastJson) mount(root, card({}, emptyState('Could not load the order', 'Retrying…')));
      // Keep trying at a calmer pace: a blip in the network should not freeze the page.
      timer = setTimeout(() => void poll(), POLL_INTERVAL_MS * 4);
    }
  };
  void poll();

  return root;
}

function orderPage(order: OrderView, live: boolean, ctx: ViewContext): HTMLElement[] {
  // Admins open other people's orders from the queue; send them back there.
  const fromQueue = ctx.isAdmin && order.customerId !== ctx.me.sub;
  return [
    h(
      'div',
      { class: 'page-header' },
      fromQueue
        ? h('a', { href: '#/admin', class: 'back-link' }, '← Confirmation queue')
        : h('a', { href: '#/', class: 'back-link' }, '← My orders'),
      h(
        'div',
        { class: 'page-title' },
        h('h1', {}, `Order ${shortId(order.orderId)}`),
        badge(order.status, 'order-status'),
        live && h('span', { class: 'live', testid: 'order-live', title: 'This page updates by itself' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), 'Live'),
      ),
      h(
        'p',
        { class: 'muted' },
        'Submitted ',
        h('time', { datetime: order.createdAt }, formatDateTime(order.createdAt)),
        order.customerEmail && ` by ${order.customerEmail}`,
        ' · last update ',
        h('time', { datetime: order.updatedAt }, formatTime(order.updatedAt)),
      ),
    ),
    card(
      { class: 'card-timeline', label: 'Progress' },
      h('h2', {}, 'Progress'),
      timeline(order),
      order.failureReason &&
        h('p', { class: 'notice notice-danger', role: 'status', testid: 'failure-reason' }, h('strong', {}, 'Why: '), order.failureReason),
    ),
    h(
      'div',
      { class: 'layout-detail' },
      card({ class: 'card-plans', label: 'Styles and plans' }, h('h2', {}, 'Styles'), plans(order)),
      h(
        'div',
        { class: 'detail-side' },
        card({ class: 'card-execution', label: 'Pipeline' }, h('h2', {}, 'Pipeline'), execution(order)),
        order.note && card({ class: 'card-note', label: 'Your note' }, h('h2', {}, 'Note'), h('p', { class: 'note', testid: 'order-note-text' }, order.note)),
      ),
    ),
  ];
}

function execution(order: OrderView): HTMLElement {
  const run = order.execution;
  if (!run) {
    return h('p', { class: 'muted', testid: 'order-execution-status', dataset: { status: 'NONE' } }, 'The pipeline has not started yet.');
  }
  return h(
    'dl',
    { class: 'facts facts-wide' },
    h('div', {}, h('dt', {}, 'Execution'), h('dd', {}, badge(run.status, 'order-execution-status'))),
    run.startedAt && h('div', {}, h('dt', {}, 'Started'), h('dd', {}, h('time', { datetime: run.startedAt }, formatDateTime(run.startedAt)))),
    run.stoppedAt && h('div', {}, h('dt', {}, 'Finished'), h('dd', {}, h('time', { datetime: run.stoppedAt }, formatDateTime(run.stoppedAt)))),
    run.startedAt && run.stoppedAt && h('div', {}, h('dt', {}, 'Took'), h('dd', {}, duration(run.startedAt, run.stoppedAt))),
    run.status === 'RUNNING' &&
      order.status === 'PENDING_EDITOR_CONFIRMATION' &&
      h('p', { class: 'field-hint' }, 'Paused at the confirmation gate until a studio editor decides.'),
  );
}

function duration(from: string, to: string): string {
  const seconds = Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function plans(order: OrderView): HTMLElement {
  const byStyle = new Map<string, StylePlan>((order.plans ?? []).map((plan) => [plan.styleId, plan]));
  const total = [...byStyle.values()].reduce((sum, plan) => sum + plan.images, 0);
  return h(
    'div',
    { testid: 'order-plans' },
    total > 0 && h('p', { class: 'muted' }, `${total} images planned in ${[...byStyle.values()].reduce((n, p) => n + p.batches, 0)} batches.`),
    h(
      'ul',
      { class: 'plan-list' },
      order.styles.map((styleId) => {
        const plan = byStyle.get(styleId);
        return h(
          'li',
          { class: 'plan', testid: `plan-${styleId}` },
          swatch(styleId),
          h(
            'div',
            { class: 'plan-body' },
            h(
              'div',
              { class: 'plan-title' },
              h('strong', {}, styleName(styleId)),
              plan
                ? h('span', { class: 'plan-count' }, `${plan.images} images · ${plan.batches} batches`)
                : h('span', { class: 'plan-count muted' }, isTerminal(order.status) ? 'Not planned' : 'Planning…'),
            ),
            styleFacts(styleId),
            plan && h('details', { class: 'prompt' }, h('summary', {}, 'Generation prompt'), h('p', {}, plan.prompt)),
          ),
        );
      }),
    ),
  );
}
