import type { OrderStatus, OrderView, TimelineEntry } from '../../../shared/orders';

/** The statuses an order passes through when all goes well. */
export const HAPPY_PATH: readonly OrderStatus[] = ['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED'];

/** done: passed; current: where the order waits; upcoming: still ahead; ended: where it stopped (rejected, expired, failed). */
export type StepState = 'done' | 'current' | 'upcoming' | 'ended';

export interface Step {
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
  // Rejected, expired or failed: the steps reached so far, then where it stopped in place of the next one.
  const reached = HAPPY_PATH.filter((status) => status !== 'CONFIRMED' && entryFor(status));
  return [
    ...reached.map((status): Step => ({ status, entry: entryFor(status), state: 'done' })),
    { status: order.status, entry: entryFor(order.status), state: 'ended' },
  ];
}
