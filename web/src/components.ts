import type { OrderStatus, OrderView, TimelineEntry } from '../../shared/orders';
import { styleById } from '../../shared/styles';
import type { Api, Me } from './api';
import { formatDateTime, h, spinner } from './dom';
import { statusLabel, statusTone, styleName } from './labels';

/** What every view gets from the app shell. */
export interface ViewContext {
  readonly api: Api;
  readonly me: Me;
  readonly isAdmin: boolean;
  /** Aborted when the person leaves the view: stop polling, drop late answers. */
  readonly signal: AbortSignal;
  navigate(hash: string): void;
  /** Shows an error in the banner under the header. */
  showError(message: string): void;
  clearError(): void;
  /** Shows a short success notice. */
  notify(message: string): void;
  /** Routes any failure to the banner (ignoring aborted requests). */
  handleError(error: unknown): void;
}

export function badge(status: string, testid?: string): HTMLSpanElement {
  return h('span', { class: `badge badge-${statusTone(status)}`, testid, dataset: { status } }, statusLabel(status));
}

export function card(attrs: { class?: string; testid?: string; label?: string }, ...children: (Node | string | false | undefined)[]): HTMLElement {
  return h('section', { class: `card ${attrs.class ?? ''}`.trim(), testid: attrs.testid, 'aria-label': attrs.label }, ...children);
}

export function loading(text: string): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, spinner(), text);
}

export function emptyState(title: string, text: string): HTMLElement {
  return h('div', { class: 'empty' }, h('strong', {}, title), h('p', {}, text));
}

/** A small picture of the look: the backdrop colour behind a head-and-shoulders silhouette. */
export function swatch(styleId: string, size: 'small' | 'large' = 'large'): HTMLElement {
  return h('span', { class: `swatch swatch-${size}`, dataset: { style: styleId }, 'aria-hidden': 'true' }, h('span', { class: 'swatch-figure' }));
}

export function styleChips(styleIds: readonly string[]): HTMLElement {
  return h(
    'ul',
    { class: 'chips', 'aria-label': 'Styles' },
    styleIds.map((id) => h('li', { class: 'chip' }, swatch(id, 'small'), styleName(id))),
  );
}

export function styleFacts(styleId: string): HTMLElement | undefined {
  const style = styleById(styleId);
  if (!style) return undefined;
  return h(
    'dl',
    { class: 'facts' },
    h('div', {}, h('dt', {}, 'Backdrop'), h('dd', {}, style.backdrop)),
    h('div', {}, h('dt', {}, 'Wardrobe'), h('dd', {}, style.wardrobe)),
    h('div', {}, h('dt', {}, 'Lighting'), h('dd', {}, style.lighting)),
  );
}

const HAPPY_PATH: readonly OrderStatus[] = ['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED'];

const STEP_TEXT: Readonly<Record<OrderStatus, { done: string; current: string; upcoming: string }>> = {
  SUBMITTED: { done: 'We received your order.', current: 'Sending your order to the studio…', upcoming: '' },
  PENDING_EDITOR_CONFIRMATION: {
    done: 'A studio editor reviewed the order.',
    current: 'A studio editor checks every order before any images are made.',
    upcoming: 'A studio editor checks the order.',
  },
  CONFIRMED: { done: 'Confirmed: your images are planned.', current: '', upcoming: 'Images are planned once confirmed.' },
  REJECTED: { done: 'The studio could not accept this order.', current: '', upcoming: '' },
  EXPIRED: { done: 'Nobody confirmed the order in time.', current: '', upcoming: '' },
  FAILED: { done: 'Something went wrong while preparing the order.', current: '', upcoming: '' },
};

type StepState = 'done' | 'current' | 'upcoming' | 'failed';

interface Step {
  readonly status: OrderStatus;
  readonly state: StepState;
  readonly entry?: TimelineEntry;
}

/** The steps the order went through, and the ones still ahead of it. */
export function timelineSteps(order: Pick<OrderView, 'status' | 'timeline'>): Step[] {
  const entryFor = (status: OrderStatus) => [...order.timeline].reverse().find((e) => e.status === status);
  const position = HAPPY_PATH.indexOf(order.status);
  if (position >= 0) {
    return HAPPY_PATH.map((status, i) => ({
      status,
      entry: entryFor(status),
      state: i < position || order.status === 'CONFIRMED' ? 'done' : i === position ? 'current' : 'upcoming',
    }));
  }
  // Rejected, expired or failed: the steps reached so far, then the failure in place of the next one.
  const reached = HAPPY_PATH.filter((status) => status !== 'CONFIRMED' && entryFor(status));
  return [
    ...reached.map((status): Step => ({ status, entry: entryFor(status), state: 'done' })),
    { status: order.status, entry: entryFor(order.status), state: 'failed' },
  ];
}

/** A horizontal step indicator (vertical on narrow screens) of where the order is. */
export function timeline(order: OrderView): HTMLElement {
  const steps = timelineSteps(order);
  return h(
    'ol',
    { class: `timeline${order.status === 'CONFIRMED' ? ' timeline-complete' : ''}`, testid: 'timeline', 'aria-label': 'Order progress', dataset: { status: order.status } },
    steps.map((step, i) => {
      const text = STEP_TEXT[step.status][step.state === 'failed' ? 'done' : step.state];
      const detail = step.state === 'failed' ? (order.failureReason ?? step.entry?.detail ?? text) : (step.entry?.detail ?? text);
      return h(
        'li',
        {
          class: `step step-${step.state}`,
          testid: `timeline-step-${step.status}`,
          dataset: { state: step.state },
          'aria-current': step.state === 'current' ? 'step' : undefined,
        },
        h('span', { class: 'step-marker', 'aria-hidden': 'true' }, step.state === 'done' ? '✓' : step.state === 'failed' ? '✕' : String(i + 1)),
        h(
          'div',
          { class: 'step-body' },
          h('strong', { class: 'step-label' }, statusLabel(step.status), h('span', { class: 'visually-hidden' }, ` (${step.state})`)),
          step.entry && h('time', { class: 'step-time', datetime: step.entry.at }, formatDateTime(step.entry.at)),
          detail && h('p', { class: 'step-detail' }, detail),
        ),
      );
    }),
  );
}
