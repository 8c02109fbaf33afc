import * as z from './validation';
import { STYLE_IDS, styleById } from './styles';

/** Every state an order can be in, in pipeline order. */
export const ORDER_STATUSES = [
  'SUBMITTED',
  'PENDING_EDITOR_CONFIRMATION',
  'CONFIRMED',
  'REJECTED',
  'EXPIRED',
  'FAILED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'REJECTED', 'EXPIRED', 'FAILED'];

/** At most this many styles in one order; also bounds the pipeline's Map state. */
export const MAX_STYLES_PER_ORDER = 5;

/** Images generated per style: Seedream returns them in batches of this size. */
export const BATCH_SIZE = 3;
export const IMAGES_PER_STYLE = 6;

export const createOrderSchema = z.strictObject({
  styles: z
    .array(z.enum(STYLE_IDS, { error: (issue) => `Unknown style "${String(issue.input)}". Choose from: ${STYLE_IDS.join(', ')}` }))
    .check(
      z.minLength(1, 'Pick at least one style'),
      z.maxLength(MAX_STYLES_PER_ORDER, `Pick at most ${MAX_STYLES_PER_ORDER} styles`),
      z.refine((ids) => new Set(ids).size === ids.length, 'Each style may be picked once'),
    ),
  note: z.optional(z.string().check(z.trim(), z.maxLength(500, 'Keep the note under 500 characters'))),
});
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const decisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('confirm') }),
  z.strictObject({
    decision: z.literal('reject'),
    reason: z
      .string()
      .check(z.trim(), z.minLength(3, 'Tell the customer why (at least 3 characters)'), z.maxLength(500, 'Keep the reason under 500 characters')),
  }),
]);
export type Decision = z.infer<typeof decisionSchema>;

export interface TimelineEntry {
  readonly status: OrderStatus;
  readonly at: string;
  readonly detail?: string;
}

/** An order as the API returns it (the task token never leaves the backend). */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly customerEmail?: string;
  readonly status: OrderStatus;
  readonly styles: readonly string[];
  readonly note?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly timeline: readonly TimelineEntry[];
  readonly failureReason?: string;
  readonly plans?: readonly StylePlan[];
  readonly execution?: { readonly status: string; readonly startedAt?: string; readonly stoppedAt?: string };
}

export interface StylePlan {
  readonly styleId: string;
  readonly position: number;
  readonly prompt: string;
  readonly images: number;
  readonly batches: number;
}

/** Plans the generation work for one style: the prompt and how many batches of {@link BATCH_SIZE}. */
export function planStyle(styleId: string, position: number): StylePlan {
  const style = styleById(styleId);
  if (!style) throw new Error(`Unknown style ${styleId}`);
  return {
    styleId,
    position,
    prompt: `professional headshot of the customer, ${style.wardrobe}, ${style.backdrop}, ${style.lighting}, sharp focus, natural skin texture`,
    images: IMAGES_PER_STYLE,
    batches: Math.ceil(IMAGES_PER_STYLE / BATCH_SIZE),
  };
}

/**
 * Step Functions error names that end an order, mapped to what the customer sees.
 * `ConfirmationExpired` is set by the pipeline when the confirmation gate times out;
 * any other error, a step's own timeout included, is a failure on our side.
 */
export function failureFromError(error: { Error?: string; Cause?: string } | undefined): { status: OrderStatus; reason: string } {
  const name = error?.Error ?? 'Unknown';
  if (name === 'OrderRejected') {
    return { status: 'REJECTED', reason: error?.Cause || 'The studio could not accept this order.' };
  }
  if (name === 'ConfirmationExpired') {
    return { status: 'EXPIRED', reason: 'Nobody confirmed the order in time; your credits were not charged.' };
  }
  return { status: 'FAILED', reason: 'Something went wrong while preparing your order. Our team has been alerted.' };
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export { describeIssues } from './validation';
