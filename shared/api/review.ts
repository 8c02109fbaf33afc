import * as z from '../validation';
import { hasControlCharacters } from '../validation';
import { defineRoute } from './contract';
import { generatedImageViewSchema } from './generation';
import { orderIdParams } from './orders';
import { pageQuery } from './paging';

/**
 * The artists' review gate: after production an order waits at PENDING_REVIEW
 * until a reviewer has decided every image it kept and delivers it. Admins
 * review any order; an artist reviews the orders assigned to them.
 */

/** An image's ID across orders, `<orderId>.<style>-<pose>-<slot>`, as the review route takes it. */
export const REVIEW_IMAGE_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([a-z0-9]+(?:-[a-z0-9]+)*-\d{1,3})$/;

export function reviewImageId(orderId: string, imageId: string): string {
  return `${orderId}.${imageId}`;
}

/** `<orderId>.<imageId>` → its parts, or undefined when it is not one. */
export function parseReviewImageId(value: string): { orderId: string; imageId: string } | undefined {
  const match = REVIEW_IMAGE_ID.exec(value);
  return match ? { orderId: match[1]!, imageId: match[2]! } : undefined;
}

export const REVIEW_DECISIONS = ['approve', 'reject'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

const reasonSchema = z
  .string({ error: 'reason must be a string' })
  .check(
    z.trim(),
    z.minLength(3, 'Give the reason in a few words (at least 3 characters)'),
    z.maxLength(500, 'reason is at most 500 characters'),
    z.refine((text) => !hasControlCharacters(text), 'reason may not contain control characters'),
  );

export const reviewDecisionSchema = z.discriminatedUnion(
  'decision',
  [z.strictObject({ decision: z.literal('approve') }), z.strictObject({ decision: z.literal('reject'), reason: reasonSchema })],
  { error: 'decision must be "approve", or "reject" with a reason' },
);
export type ReviewDecisionInput = z.output<typeof reviewDecisionSchema>;

/** What a reviewer decided about one image. */
export const imageReviewSchema = z.object({
  decision: z.enum(REVIEW_DECISIONS),
  reason: z.optional(z.string()),
  by: z.string(),
  at: z.string(),
});
export type ImageReview = z.output<typeof imageReviewSchema>;

/** An image as the review grid shows it: the generated image, its ID across orders and its review. */
export const reviewImageViewSchema = z.object({
  ...generatedImageViewSchema.shape,
  reviewImageId: z.string(),
  review: z.optional(imageReviewSchema),
});
export type ReviewImageView = z.output<typeof reviewImageViewSchema>;

/** Where an order stands at the gate. */
export const reviewSummarySchema = z.object({
  orderId: z.string(),
  /** The artist's `sub` and e-mail, when assigned. */
  assignedTo: z.optional(z.string()),
  assignedEmail: z.optional(z.string()),
  assignedAt: z.optional(z.string()),
  waitingSince: z.string(),
  /** Images the identity lock kept: each needs a decision. */
  toDecide: z.number(),
  approved: z.number(),
  rejected: z.number(),
  /** True once delivered (the token is resumed). */
  delivered: z.boolean(),
});
export type ReviewSummary = z.output<typeof reviewSummarySchema>;

export const listOrderImages = defineRoute({
  operationId: 'listOrderImages',
  method: 'GET',
  path: '/v1/admin/orders/{orderId}/images',
  auth: 'reviewers',
  tag: 'review',
  summary: "Every generated image of an order with its identity score, seed, attempts, list price and review, beside the customer's selfies",
  description: 'Admins see any order; an artist sees the orders assigned to them (others answer 404).',
  params: orderIdParams,
  status: 200,
  response: z.object({
    orderId: z.string(),
    status: z.string(),
    imagesPlanned: z.number(),
    images: z.array(reviewImageViewSchema),
    /** The customer's accepted selfies, as short-lived signed links. */
    selfies: z.array(z.object({ photoId: z.string(), url: z.string() })),
    review: z.optional(reviewSummarySchema),
  }),
  errors: ['ORDER_NOT_FOUND'],
});

export const listReviews = defineRoute({
  operationId: 'listReviews',
  method: 'GET',
  path: '/v1/admin/reviews',
  auth: 'reviewers',
  tag: 'review',
  summary: 'The orders waiting for review, oldest first',
  description:
    '`assigned=me` lists the caller\'s own, `unassigned` those nobody has taken (artists pick from these), `all` every waiting order (admins only; the default for admins, `me` the default for artists).',
  query: z.strictObject({
    assigned: z.optional(z.enum(['me', 'unassigned', 'all'], { error: 'assigned must be me, unassigned or all' })),
    ...pageQuery,
  }),
  status: 200,
  response: z.object({ reviews: z.array(reviewSummarySchema), nextCursor: z.optional(z.string()) }),
  errors: [],
});

export const assignReviewer = defineRoute({
  operationId: 'assignReviewer',
  method: 'PUT',
  path: '/v1/admin/orders/{orderId}/assignment',
  auth: 'reviewers',
  tag: 'review',
  summary: 'Assign an artist to review an order',
  description:
    'Admins assign any member of the artists group, or reassign. An artist may take an unassigned order for themselves (`"artistId": "me"`), and nothing else.',
  params: orderIdParams,
  body: z.strictObject({
    artistId: z.string({ error: 'artistId is the artist\'s user ID, or "me"' }).check(z.minLength(1, 'artistId is required'), z.maxLength(128, 'artistId is at most 128 characters')),
  }),
  status: 200,
  response: reviewSummarySchema,
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_IN_REVIEW', 'ALREADY_ASSIGNED', 'NOT_AN_ARTIST'],
});

export const reviewImage = defineRoute({
  operationId: 'reviewImage',
  method: 'POST',
  path: '/v1/admin/images/{imageId}/review',
  auth: 'reviewers',
  tag: 'review',
  summary: 'Approve or reject one image of an order in review',
  description:
    'The image ID is `<orderId>.<style>-<pose>-<slot>` (`reviewImageId` in the image list). A decision may be changed until the order is delivered. ' +
    'Images the identity lock set aside cannot be approved.',
  params: z.strictObject({
    imageId: z.string().check(z.regex(REVIEW_IMAGE_ID, 'The image ID in the path is not `<orderId>.<style>-<pose>-<slot>`.')),
  }),
  body: reviewDecisionSchema,
  status: 200,
  response: z.object({ reviewImageId: z.string(), review: imageReviewSchema, summary: reviewSummarySchema }),
  errors: ['IMAGE_NOT_FOUND', 'ORDER_NOT_IN_REVIEW', 'IMAGE_SET_ASIDE'],
});

export const deliverOrder = defineRoute({
  operationId: 'deliverOrder',
  method: 'POST',
  path: '/v1/admin/orders/{orderId}/deliver',
  auth: 'reviewers',
  tag: 'review',
  summary: 'Deliver a reviewed order to its customer',
  description:
    'Every image the identity lock kept must be decided and at least one approved. Resumes the order\'s pipeline, which charges the approved images, ' +
    'gives the rest of the credits back, builds the ZIP and e-mails the customer. A second delivery answers 409.',
  params: orderIdParams,
  status: 202,
  response: z.object({ orderId: z.string(), approved: z.number(), rejected: z.number() }),
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_IN_REVIEW', 'REVIEW_INCOMPLETE', 'NOTHING_APPROVED', 'DELIVERY_NOT_RECORDED'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});
