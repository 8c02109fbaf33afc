import * as z from '../validation';
import { defineRoute } from './contract';

/** What the fal webhook did with a delivery (fal only reads the status; people debugging read this). */
export const FAL_WEBHOOK_OUTCOMES = ['resumed', 'recorded', 'duplicate', 'unknown'] as const;

/** The image provider's callbacks: a finished training or generation request. */
export const handleFalWebhook = defineRoute({
  operationId: 'handleFalWebhook',
  method: 'POST',
  path: '/v1/webhooks/fal',
  auth: 'none',
  tag: 'generation',
  summary: "fal.ai's webhook: a queued request finished, verified by its Ed25519 signature",
  description:
    'Called by fal.ai, not by clients. The `X-Fal-Webhook-*` headers must sign the raw body (request ID, user ID, timestamp within 300 seconds, ' +
    "SHA-256 of the body) with a key of fal's JWKS. The outcome is recorded once per request ID and resumes the step waiting for it; a duplicate, " +
    'replayed or late delivery changes nothing. 400 for a bad signature; 5xx makes fal deliver again.',
  query: z.strictObject({
    /** The order the request was made for, as the studio put it in the webhook URL; informative (the request ID decides). */
    orderId: z.optional(z.string().check(z.maxLength(128, 'orderId is at most 128 characters'))),
  }),
  status: 200,
  response: z.object({ received: z.literal(true), outcome: z.enum(FAL_WEBHOOK_OUTCOMES) }),
  errors: ['INVALID_SIGNATURE', 'INVALID_WEBHOOK'],
});

const attemptSchema = z.object({
  attempt: z.number(),
  requestId: z.string(),
  seed: z.number(),
  index: z.number(),
  similarity: z.number(),
  faceFound: z.boolean(),
  likenessMs: z.optional(z.number()),
});

export const generatedImageViewSchema = z.object({
  imageId: z.string(),
  styleId: z.string(),
  poseId: z.string(),
  slot: z.number(),
  /** KEPT: it looks like the customer; REJECTED: it did not, after every regeneration. */
  status: z.enum(['KEPT', 'REJECTED']),
  engine: z.string(),
  endpoint: z.string(),
  requestId: z.string(),
  /** The provider's seed of the call, and the image's position in it. */
  seed: z.number(),
  seedIndex: z.number(),
  prompt: z.string(),
  identityScore: z.number(),
  identityThreshold: z.number(),
  attempts: z.array(attemptSchema),
  listPriceUsd: z.number(),
  submittedAt: z.string(),
  generatedAt: z.string(),
  /** When the image was recorded (after its processing), and how long the processing took, ms. */
  recordedAt: z.string(),
  processingMs: z.number(),
  /** A short-lived signed link to the preview (WebP, long side 1024). */
  previewUrl: z.string(),
  variants: z.array(z.object({ name: z.string(), format: z.string(), width: z.number(), height: z.number(), size: z.number(), sha256: z.string() })),
});
export type GeneratedImageView = z.output<typeof generatedImageViewSchema>;

export const lockStatsRowSchema = z.object({
  engine: z.string(),
  styleId: z.string(),
  /** Images judged by the identity lock (every attempt). */
  judged: z.number(),
  /** Of those, the ones it sent back or rejected. */
  rejected: z.number(),
  /** rejected / judged, 0..1. */
  rejectionRate: z.number(),
  /** Slots that ended REJECTED after every regeneration. */
  slotsRejected: z.number(),
});

export const getLockStats = defineRoute({
  operationId: 'getLockStats',
  method: 'GET',
  path: '/v1/admin/generation/identity-lock',
  auth: 'admins',
  tag: 'generation',
  summary: "The identity lock's rejection rate per style and engine",
  status: 200,
  response: z.object({ threshold: z.number(), rows: z.array(lockStatsRowSchema) }),
  errors: [],
});

/** The identity lock's threshold an admin may set: below 0.4 strangers pass, above 0.95 the customer rarely does. */
export const IDENTITY_THRESHOLD_RANGE = { min: 0.4, max: 0.95 } as const;

export const setLockThreshold = defineRoute({
  operationId: 'setLockThreshold',
  method: 'PUT',
  path: '/v1/admin/generation/identity-lock',
  auth: 'admins',
  tag: 'generation',
  summary: "Set the identity lock's threshold: images below it are generated again (at most 3 times), then set aside",
  description: 'Applies to images judged from now on; images already recorded keep the threshold they were judged with.',
  body: z.strictObject({
    threshold: z
      .number({ error: 'threshold must be a number between 0.4 and 0.95' })
      .check(
        z.gte(IDENTITY_THRESHOLD_RANGE.min, `threshold must be at least ${IDENTITY_THRESHOLD_RANGE.min}: below it, other people pass the likeness check`),
        z.lte(IDENTITY_THRESHOLD_RANGE.max, `threshold must be at most ${IDENTITY_THRESHOLD_RANGE.max}: above it, even the customer rarely passes`),
      ),
  }),
  status: 200,
  response: z.object({ threshold: z.number(), updatedAt: z.string(), updatedBy: z.string() }),
  errors: [],
});
