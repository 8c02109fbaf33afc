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
