import * as z from './validation';
import { hasControlCharacters } from './validation';
import { photoViewSchema } from './photos';
import { slugSchema, styleViewSchema } from './studios';
import { BATCH_SIZE, ENGINE_IDS, imagesForStyle, POSE_IDS, type PoseId, posesForStyle } from './generation';

/** Every state an order can be in, in pipeline order. */
export const ORDER_STATUSES = [
  'DRAFT',
  'VALIDATING',
  'NEEDS_NEW_PHOTOS',
  'SUBMITTED',
  'PENDING_EDITOR_CONFIRMATION',
  'CONFIRMED',
  'TRAINING',
  'GENERATING',
  'PENDING_REVIEW',
  'DELIVERED',
  'REJECTED',
  'EXPIRED',
  'FAILED',
  'DISCARDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses an order ends in: delivered, or stopped another way. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['DELIVERED', 'REJECTED', 'EXPIRED', 'FAILED', 'DISCARDED'];

/**
 * Statuses of a confirmed order the studio is making: the LoRA is trained, the
 * images generated, then the order waits for the artists' review.
 */
export const PRODUCTION_STATUSES = ['CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW'] as const satisfies readonly OrderStatus[];

/** Statuses of an order still in progress: the admin queue lists these (the status index holds no others). */
export const OPEN_STATUSES = ['DRAFT', 'VALIDATING', 'NEEDS_NEW_PHOTOS', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION'] as const satisfies readonly OrderStatus[];

/** Statuses in which the customer may still add and remove photos and submit. */
export const EDITABLE_STATUSES = ['DRAFT', 'NEEDS_NEW_PHOTOS'] as const satisfies readonly OrderStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

/** Orders one customer may have in progress at once; the next waits until one ends. */
export const MAX_OPEN_ORDERS = 5;

/** At most this many styles in one order; also bounds the pipeline's Map state. */
export const MAX_STYLES_PER_ORDER = 5;

export { BATCH_SIZE };

/** Free text shown to another person refuses control characters (see shared/validation). */
function noControlCharacters(what: string) {
  return z.refine<string>((text) => !hasControlCharacters(text), `${what} contains control characters; type it again as plain text`);
}

export const createOrderSchema = z.strictObject({
  studioId: slugSchema('studioId'),
  styleIds: z
    .array(slugSchema('A style ID'))
    .check(
      z.minLength(1, 'Pick at least one style'),
      z.maxLength(MAX_STYLES_PER_ORDER, `Pick at most ${MAX_STYLES_PER_ORDER} styles`),
      z.refine((ids) => new Set(ids).size === ids.length, 'Each style may be picked once'),
    ),
  note: z.optional(z.string().check(z.trim(), z.maxLength(500, 'Keep the note under 500 characters'), noControlCharacters('The note'))),
  /** The wallet that pays: the caller's own by default, or an organisation's they belong to. */
  walletId: z.optional(z.uuid({ error: 'walletId is not a wallet ID; pick one of the wallets GET /v1/me lists.' })),
  /** The engine preset the headshots are made with (`shared/generation.ts`); balanced when absent. */
  engine: z.optional(z.enum(ENGINE_IDS, { error: `engine must be one of ${ENGINE_IDS.join(', ')}` })),
});
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const decisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('confirm') }),
  z.strictObject({
    decision: z.literal('reject'),
    reason: z
      .string()
      .check(
        z.trim(),
        z.minLength(3, 'Tell the customer why (at least 3 characters)'),
        z.maxLength(500, 'Keep the reason under 500 characters'),
        noControlCharacters('The reason'),
      ),
  }),
]);
export type Decision = z.infer<typeof decisionSchema>;

export const timelineEntrySchema = z.object({
  status: z.enum(ORDER_STATUSES),
  at: z.string(),
  detail: z.optional(z.string()),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

/** A style as the order took it from its studio: later edits of the studio do not change an order. */
export const orderedStyleSchema = z.omit(styleViewSchema, { images: true });
export type OrderedStyle = z.output<typeof orderedStyleSchema>;

export const stylePlanSchema = z.object({
  styleId: z.string(),
  position: z.number(),
  prompt: z.string(),
  images: z.number(),
  batches: z.number(),
  /** The poses the style is generated in, one batch each (older plans lack them: the default set). */
  poses: z.optional(z.array(z.enum(POSE_IDS as [PoseId, ...PoseId[]]))),
});
export type StylePlan = z.output<typeof stylePlanSchema>;

/** An order as the API returns it (the task token never leaves the backend). */
export const orderViewSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  /** Recorded by orders placed before the API accepted access tokens. */
  customerEmail: z.optional(z.string()),
  status: z.enum(ORDER_STATUSES),
  studioId: z.string(),
  studioName: z.string(),
  /** The IDs of the chosen styles, in order. */
  styles: z.array(z.string()),
  styleDetails: z.array(orderedStyleSchema),
  /** What the order costs: the sum of its styles' prices. */
  credits: z.number(),
  /** The wallet that pays: held when the order is submitted, spent when it is confirmed, released if it ends otherwise. */
  walletId: z.optional(z.string()),
  note: z.optional(z.string()),
  /** Photo records the order holds (any status). */
  photoCount: z.number(),
  /** What the order lacks before it can go to the studio (NEEDS_NEW_PHOTOS). */
  missing: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  timeline: z.array(timelineEntrySchema),
  failureReason: z.optional(z.string()),
  /** The order's photos with their verdicts (on the single-order view). */
  photos: z.optional(z.array(photoViewSchema)),
  /** The engine preset the images are made with, once the order is in production. */
  engine: z.optional(z.string()),
  /** Production progress: images planned, settled so far (kept or rejected by the identity lock), kept and rejected. */
  imagesPlanned: z.optional(z.number()),
  imagesDone: z.optional(z.number()),
  imagesKept: z.optional(z.number()),
  imagesRejected: z.optional(z.number()),
  /** Admin detail: the plan of each style. */
  plans: z.optional(z.array(stylePlanSchema)),
  /** Admin detail: the pipeline execution. */
  execution: z.optional(z.object({ status: z.string(), startedAt: z.optional(z.string()), stoppedAt: z.optional(z.string()) })),
});
export type OrderView = z.output<typeof orderViewSchema>;

/** Plans the generation work for one style: its prompt, its poses, and one batch of {@link BATCH_SIZE} per pose. */
export function planStyle(style: OrderedStyle & { readonly poseSet?: string; readonly poses?: readonly string[] }, position: number): StylePlan {
  const poses = posesForStyle(style);
  return {
    styleId: style.styleId,
    position,
    prompt: `${style.prompt}; ${style.wardrobe}; ${style.backdrop}; ${style.lighting}`,
    images: imagesForStyle(poses),
    batches: poses.length,
    poses: poses.map((pose) => pose.id),
  };
}

/**
 * Step Functions error names that end an order, mapped to what the customer sees.
 * `ConfirmationExpired` is set by the pipeline when the confirmation gate times out;
 * any other error, a step's own timeout included, is a failure on our side.
 */
/** Why production stopped, in the customer's words, by the generation pipeline's error names. */
const PRODUCTION_FAILURES: Readonly<Record<string, string>> = {
  NoImagesKept: 'None of the generated headshots looked enough like you, even after several tries. Your credits were refunded; our team has been alerted.',
  ProviderFailedRepeatedly: 'Our image service failed several times while making your headshots. Your credits were refunded; our team has been alerted.',
  ProviderRefused: 'Our image service refused to make your headshots. Your credits were refunded; our team has been alerted.',
  ReviewExpired: 'No studio artist reviewed your headshots in time, so we could not deliver them. Your credits were refunded; our team has been alerted.',
  DeliveryFailed: 'Something went wrong while delivering your headshots. Your credits were refunded; our team has been alerted.',
};

export function failureFromError(error: { Error?: string; Cause?: string } | undefined): { status: OrderStatus; reason: string } {
  const name = error?.Error ?? 'Unknown';
  if (name === 'OrderRejected') {
    return { status: 'REJECTED', reason: error?.Cause || 'The studio could not accept this order.' };
  }
  if (name === 'ConfirmationExpired') {
    return { status: 'EXPIRED', reason: 'Nobody confirmed the order in time; your credits were not charged.' };
  }
  const production = PRODUCTION_FAILURES[name];
  if (production) return { status: 'FAILED', reason: production };
  return { status: 'FAILED', reason: 'Something went wrong while preparing your order. Our team has been alerted.' };
}

/** Whether the order is still in progress for its customer (counts towards MAX_OPEN_ORDERS, listed in the admin queue). */
export function isOpen(status: OrderStatus): boolean {
  return (OPEN_STATUSES as readonly OrderStatus[]).includes(status);
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export { describeIssues } from './validation';
