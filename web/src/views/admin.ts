import { decisionSchema, ORDER_STATUSES, type Decision, type OrderStatus, type OrderView } from '../../../shared/orders';
import { ApiError } from '../api';
import { badge, card, emptyState, loading, styleChips, type ViewContext } from '../components';
import { busy, formatDateTime, h, mount, shortId } from '../dom';
import { STATUS_LABELS } from '../labels';

/** The queue re-reads itself this often, unless someone is typing a rejection reason. */
const QUEUE_REFRESH_MS = 10_000;

/** The admin console: orders waiting at the confirmation gate (or any other status), with Confirm and Reject. */
export function adminView(ctx: ViewContext): HTMLElement {
  if (!ctx.isAdmin) {
    ctx.showError('You do not have access to this. The confirmation queue is for studio admins.');
    return card({ class: 'card-narrow' }, emptyState('Admins only', 'Ask a studio admin if you think you should see this page.'), h('a', { href: '#/', class: 'button button-quiet' }, 'Back to my orders'));
  }

  let status: OrderStatus = 'PENDING_EDITOR_CONFIRMATION';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = 0;
  // The order stays PENDING_EDITOR_CONFIRMATION until its pipeline resumes and
  // records the decision; hide the decided ones meanwhile so nobody decides twice.
  const decided = new Set<string>();
  const body = h('div', { class: 'card-body' }, loading('Loading the queue…'));
  const summary = h('p', { class: 'muted', 'aria-live': 'polite', testid: 'admin-queue-summary' });
  const filter = h(
    'select',
    {
      id: 'admin-status-filter',
      testid: 'admin-status-filter',
      onchange: () => {
        status = filter.value as OrderStatus;
        mount(body, loading('Loading the queue…'));
        void load();
      },
    },
    ORDER_STATUSES.map((s) => h('option', { value: s, selected: s === status }, STATUS_LABELS[s])),
  );
  const refresh = h('button', { type: 'button', class: 'button button-quiet button-small', testid: 'admin-refresh', onclick: () => void load() }, 'Refresh');

  ctx.signal.addEventListener('abort', () => clearTimeout(timer));

  const load = async () => {
    clearTimeout(timer);
    refresh.disabled = true;
    const asked = status;
    try {
      const all = await ctx.api.orderQueue(asked, ctx.signal);
      const orders = asked === 'PENDING_EDITOR_CONFIRMATION' ? all.filter((o) => !decided.has(o.orderId)) : all;
      if (ctx.signal.aborted || asked !== status) return;
      summary.textContent =
        orders.length === 1 ? `1 order is ${STATUS_LABELS[asked].toLowerCase()}.` : `${orders.length} orders are ${STATUS_LABELS[asked].toLowerCase()}.`;
      mount(
        body,
        orders.length
          ? queueTable(ctx, orders, {
              onDecided: (orderId) => {
                if (orderId) decided.add(orderId);
                return load();
              },
              onBusy: (delta) => (inFlight += delta),
            })
          : emptyState(asked === 'PENDING_EDITOR_CONFIRMATION' ? 'Nothing is waiting for confirmation' : `No ${STATUS_LABELS[asked].toLowerCase()} orders`, 'New orders appear here by themselves.'),
      );
    } catch (failure) {
      if (ctx.signal.aborted) return;
      mount(body, emptyState('Could not load the queue', 'Try Refresh in a moment.'));
      ctx.handleError(failure);
    } finally {
      refresh.disabled = false;
      if (!ctx.signal.aborted) timer = setTimeout(autoRefresh, QUEUE_REFRESH_MS);
    }
  };
  const autoRefresh = () => {
    // Never pull the rows away from someone mid-decision.
    if (inFlight > 0 || body.querySelector('.reject-form:not([hidden])')) timer = setTimeout(autoRefresh, QUEUE_REFRESH_MS);
    else void load();
  };
  void load();

  return h(
    'div',
    { class: 'admin-page' },
    h('div', { class: 'page-header' }, h('h1', {}, 'Confirmation queue'), h('p', { class: 'muted' }, 'Confirm an order to start its image pipeline, or reject it with a reason the customer will read.')),
    card(
      { class: 'card-queue', label: 'Orders', testid: 'admin-queue' },
      h(
        'div',
        { class: 'card-header' },
        h('div', { class: 'filter' }, h('label', { for: 'admin-status-filter' }, 'Status'), filter),
        summary,
        refresh,
      ),
      body,
    ),
  );
}

interface QueueHooks {
  /** Reloads the queue; with an order ID, after a decision on that order was accepted. */
  onDecided(orderId?: string): Promise<void>;
  onBusy(delta: number): void;
}

function queueTable(ctx: ViewContext, orders: readonly OrderView[], hooks: QueueHooks): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'queue' },
    h('thead', {}, h('tr', {}, ['Order', 'Customer', 'Styles', 'Note', h('span', { class: 'visually-hidden' }, 'Actions')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, orders.map((order) => queueRow(ctx, order, hooks))),
    ),
  );
}

const COLUMNS = 5;

/** One order: its row, and under it a full-width row for the rejection form and decision errors. */
function queueRow(ctx: ViewContext, order: OrderView, hooks: QueueHooks): HTMLElement[] {
  const id = order.orderId;
  const waiting = order.status === 'PENDING_EDITOR_CONFIRMATION';
  const rowError = h('p', { class: 'form-error', role: 'alert', testid: `decision-error-${id}`, hidden: true });
  const reason = h('textarea', { id: `reject-reason-${id}`, rows: '2', maxlength: '500', testid: `reject-reason-${id}`, placeholder: 'e.g. The selfies are too dark to train on.' });
  const confirm = h('button', { type: 'button', class: 'button button-primary button-small', testid: `confirm-${id}` }, 'Confirm');
  const reject = h('button', { type: 'button', class: 'button button-danger-quiet button-small', testid: `reject-${id}`, 'aria-expanded': 'false', 'aria-controls': `reject-form-${id}` }, 'Reject…');
  const rejectSubmit = h('button', { type: 'submit', class: 'button button-danger button-small', testid: `reject-submit-${id}` }, 'Reject order');
  const rejectForm = h(
    'form',
    { class: 'reject-form', id: `reject-form-${id}`, hidden: true, novalidate: true },
    h('label', { for: `reject-reason-${id}` }, 'Reason for the customer ', h('span', { class: 'field-hint' }, 'required, shown to them as written')),
    h(
      'div',
      { class: 'reject-form-row' },
      reason,
      h(
        'div',
        { class: 'form-actions' },
        rejectSubmit,
        h('button', { type: 'button', class: 'button button-quiet button-small', onclick: () => toggleReject(false) }, 'Cancel'),
      ),
    ),
  );
  const extraRow = h('tr', { class: 'queue-extra', hidden: true }, h('td', { colspan: String(COLUMNS) }, rejectForm, rowError));
  const syncExtraRow = () => {
    extraRow.hidden = rejectForm.hidden && rowError.hidden;
  };

  const toggleReject = (open: boolean) => {
    rejectForm.hidden = !open;
    if (!open) rowError.hidden = true;
    reject.setAttribute('aria-expanded', String(open));
    syncExtraRow();
    if (open) reason.focus();
  };
  const showRowError = (message: string) => {
    rowError.textContent = message;
    rowError.hidden = false;
    syncExtraRow();
  };

  const decide = async (decision: Decision, button: HTMLButtonElement, label: string) => {
    rowError.hidden = true;
    syncExtraRow();
    const done = busy(button, label);
    confirm.disabled = reject.disabled = true;
    hooks.onBusy(1);
    try {
      await ctx.api.decide(id, decision);
      ctx.notify(decision.decision === 'confirm' ? `Order ${shortId(id)} confirmed. Its pipeline is running.` : `Order ${shortId(id)} rejected. The customer will see your reason.`);
      await hooks.onDecided(id);
    } catch (failure) {
      done();
      confirm.disabled = reject.disabled = false;
      if (failure instanceof ApiError && failure.status === 409) {
        // Someone else decided first, or the order expired: say so, then show the queue as it is now.
        ctx.showError(failure.message);
        await hooks.onDecided();
      } else if (failure instanceof ApiError && failure.status === 400) {
        showRowError(failure.message);
      } else {
        ctx.handleError(failure);
      }
    } finally {
      hooks.onBusy(-1);
    }
  };

  confirm.addEventListener('click', () => void decide({ decision: 'confirm' }, confirm, 'Confirming…'));
  reject.addEventListener('click', () => toggleReject(reject.getAttribute('aria-expanded') !== 'true'));
  rejectForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = decisionSchema.safeParse({ decision: 'reject', reason: reason.value });
    if (!parsed.success) {
      showRowError(parsed.error.issues.map((issue) => issue.message).join(' '));
      reason.focus();
      return;
    }
    void decide(parsed.data, rejectSubmit, 'Rejecting…');
  });

  const row = h(
    'tr',
    { class: 'queue-row', testid: `queue-row-${id}`, dataset: { orderId: id } },
    h(
      'td',
      { 'data-label': 'Order' },
      h('a', { href: `#/orders/${id}`, class: 'order-link' }, h('strong', {}, shortId(id))),
      h('time', { class: 'muted block', datetime: order.createdAt }, formatDateTime(order.createdAt)),
      h('div', { class: 'queue-status' }, badge(order.status)),
      order.failureReason && h('p', { class: 'field-hint' }, order.failureReason),
    ),
    h('td', { 'data-label': 'Customer' }, order.customerEmail ?? h('span', { class: 'muted' }, 'unknown')),
    h('td', { 'data-label': 'Styles' }, styleChips(order.styles)),
    h('td', { 'data-label': 'Note', class: 'note' }, order.note ?? h('span', { class: 'muted' }, '—')),
    h('td', { class: 'actions' }, waiting ? h('div', { class: 'action-buttons' }, confirm, reject) : h('a', { href: `#/orders/${id}`, class: 'button button-quiet button-small' }, 'View')),
  );
  return [row, extraRow];
}
