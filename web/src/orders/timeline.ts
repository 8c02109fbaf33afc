import type { OrderStatus, OrderView, TimelineEntry } from '../../../shared/orders';

/** The steps an order passes through after it is submitted, when all goes well. */
export const HAPPY_PATH: readonly OrderStatus[] = ['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW', 'DELIVERED'];

/**
 * Where each status of the happy path sits on it: photos are checked as part of
 * the first step (VALIDATING), and an order still being put together (DRAFT,
 * NEEDS_NEW_PHOTOS) has every step ahead of it.
 */
const POSITION: Readonly<Partial<Record<OrderStatus, number>>> = {
  DRAFT: -1,
  NEEDS_NEW_PHOTOS: -1,
  VALIDATING: 0,
  SUBMITTED: 0,
  PENDING_EDITOR_CONFIRMATION: 1,
  CONFIRMED: 2,
  TRAINING: 3,
  GENERATING: 4,
  PENDING_REVIEW: 5,
  DELIVERED: 6,
};

/** done: passed; current: where the order waits; upcoming: still ahead; ended: where it stopped (rejected, expired, failed). */
export type StepState = 'done' | 'current' | 'upcoming' | 'ended';

export interface Step {
  readonly status: OrderStatus;
  readonly state: StepState;
  readonly entry?: TimelineEntry;
}

/** The steps the order went through, and the ones still ahead of it. */
export function timelineSteps(order: Pick<OrderView, 'status' | 'timeline'>): Step[] {
  const latest = (status: OrderStatus) => [...order.timeline].reverse().find((e) => e.status === status);
  // The first step's time is when the order was submitted, or when its photos started being checked.
  const entryFor = (status: OrderStatus) => latest(status) ?? (status === 'SUBMITTED' ? latest('VALIDATING') : undefined);
  const position = POSITION[order.status];
  if (position !== undefined) {
    // Delivered is the end of the path: every step done, the last one included.
    const done = (i: number) => i < position || order.status === 'DELIVERED';
    return HAPPY_PATH.map((status, i) => ({
      status,
      entry: position >= 0 ? entryFor(status) : undefined,
      state: done(i) ? 'done' : i === position ? 'current' : 'upcoming',
    }));
  }
  // Rejected, expired or failed: the steps reached so far, then where it stopped in place of the next one.
  const reached = HAPPY_PATH.filter((status) => entryFor(status));
  return [
    ...reached.map((status): Step => ({ status, entry: entryFor(status), state: 'done' })),
    { status: order.status, entry: entryFor(order.status), state: 'ended' },
  ];
}
