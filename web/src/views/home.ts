import { createOrderSchema, MAX_STYLES_PER_ORDER, type OrderView } from '../../../shared/orders';
import { STYLES } from '../../../shared/styles';
import { ApiError } from '../api';
import { badge, card, emptyState, loading, styleChips, styleFacts, swatch, type ViewContext } from '../components';
import { busy, formatDateTime, h, mount, shortId } from '../dom';

const NOTE_LIMIT = 500;

/** The customer's home: the new-order form beside the list of their orders. */
export function homeView(ctx: ViewContext): HTMLElement {
  return h('div', { class: 'layout-home' }, newOrderForm(ctx), myOrders(ctx));
}

function newOrderForm(ctx: ViewContext): HTMLElement {
  const count = h('p', { class: 'selection-count', 'aria-live': 'polite', testid: 'selection-count' });
  const checkboxes = STYLES.map((style) =>
    h('input', { type: 'checkbox', name: 'styles', value: style.id, id: `style-${style.id}`, testid: `style-${style.id}` }),
  );
  const note = h('textarea', {
    id: 'order-note',
    name: 'note',
    rows: '3',
    maxlength: String(NOTE_LIMIT),
    placeholder: 'Anything the studio should know, e.g. “glasses on in half of the shots”.',
    'aria-describedby': 'order-note-count',
    testid: 'order-note',
  });
  const noteCount = h('span', { id: 'order-note-count', class: 'field-hint' });
  const error = h('p', { class: 'form-error', role: 'alert', testid: 'order-form-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button button-primary', testid: 'order-submit' }, 'Submit order');

  const selected = () => checkboxes.filter((c) => c.checked).map((c) => c.value);
  const update = () => {
    const picked = selected().length;
    count.textContent = `${picked} of ${MAX_STYLES_PER_ORDER} styles selected`;
    count.classList.toggle('selection-count-over', picked > MAX_STYLES_PER_ORDER);
    for (const box of checkboxes) box.closest('.style-card')?.classList.toggle('style-card-selected', box.checked);
    noteCount.textContent = `${note.value.length} / ${NOTE_LIMIT}`;
  };
  const showError = (message: string) => {
    error.textContent = message;
    error.hidden = false;
  };

  const form = h(
    'form',
    {
      class: 'order-form',
      novalidate: true,
      testid: 'new-order-form',
      onchange: () => {
        error.hidden = true;
        update();
      },
      oninput: update,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        error.hidden = true;
        // The same schema the API validates with, so most mistakes never leave the browser.
        const parsed = createOrderSchema.safeParse({ styles: selected(), note: note.value.trim() || undefined });
        if (!parsed.success) {
          showError(parsed.error.issues.map((issue) => issue.message).join(' '));
          return;
        }
        const done = busy(submit, 'Submitting…');
        try {
          const order = await ctx.api.createOrder(parsed.data);
          ctx.notify(`Order ${shortId(order.orderId)} submitted. A studio editor will confirm it shortly.`);
          ctx.navigate(`#/orders/${order.orderId}`);
        } catch (failure) {
          done();
          if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401 && failure.status !== 403) {
            showError(failure.message);
          } else {
            ctx.handleError(failure);
          }
        }
      },
    },
    h(
      'fieldset',
      { class: 'styles-fieldset' },
      h('legend', {}, 'Styles ', h('span', { class: 'field-hint' }, `pick 1 to ${MAX_STYLES_PER_ORDER}`)),
      h(
        'div',
        { class: 'style-grid' },
        STYLES.map((style, i) =>
          h(
            'label',
            { class: 'style-card', for: `style-${style.id}` },
            swatch(style.id),
            h('span', { class: 'style-card-body' }, h('span', { class: 'style-card-title' }, checkboxes[i], h('strong', {}, style.name)), styleFacts(style.id)),
          ),
        ),
      ),
    ),
    count,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'order-note' }, 'Note for the studio ', h('span', { class: 'field-hint' }, 'optional')),
      note,
      noteCount,
    ),
    error,
    h('div', { class: 'form-actions' }, submit, h('p', { class: 'field-hint' }, 'Nothing is charged until an editor confirms the order.')),
  );
  update();

  return card(
    { class: 'card-new-order', label: 'New order' },
    h('h1', {}, 'New order'),
    h('p', { class: 'muted' }, 'Choose the looks you want. Each style becomes a set of six headshots.'),
    form,
  );
}

function myOrders(ctx: ViewContext): HTMLElement {
  const body = h('div', { class: 'card-body' }, loading('Loading your orders…'));
  const refresh = h('button', { type: 'button', class: 'button button-quiet button-small', testid: 'orders-refresh' }, 'Refresh');

  const load = async () => {
    refresh.disabled = true;
    try {
      const orders = await ctx.api.listOrders(ctx.signal);
      mount(body, orders.length ? orderList(orders) : emptyState('No orders yet', 'Your orders appear here once you submit one.'));
    } catch (failure) {
      mount(body, emptyState('Could not load your orders', 'Try Refresh in a moment.'));
      ctx.handleError(failure);
    } finally {
      refresh.disabled = false;
    }
  };
  refresh.addEventListener('click', () => void load());
  void load();

  return card(
    { class: 'card-orders', label: 'My orders', testid: 'my-orders' },
    h('div', { class: 'card-header' }, h('h2', {}, 'My orders'), refresh),
    body,
  );
}

function orderList(orders: readonly OrderView[]): HTMLElement {
  return h(
    'ul',
    { class: 'order-list' },
    orders.map((order) =>
      h(
        'li',
        {},
        h(
          'a',
          { class: 'order-row', href: `#/orders/${order.orderId}`, testid: `order-row-${order.orderId}` },
          h(
            'span',
            { class: 'order-row-main' },
            h('strong', {}, `Order ${shortId(order.orderId)}`),
            h('time', { class: 'muted', datetime: order.createdAt }, formatDateTime(order.createdAt)),
          ),
          badge(order.status),
          styleChips(order.styles),
        ),
      ),
    ),
  );
}
