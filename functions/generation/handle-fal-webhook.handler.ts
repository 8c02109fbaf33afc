import type { SFNClient } from '@aws-sdk/client-sfn';
import { apiHandler } from '#lib/api-handler';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics } from '#lib/powertools';
import { rawBody } from '#lib/raw-body';
import { handleFalWebhook } from '#shared/api/generation';
import { JwksKeys, verifyFalWebhook, type WebhookKeys } from './fal-webhook-signature';
import { type ProviderAccountSource, secretsManagerProviderAccount } from './provider-account';
import { type ProviderRequests, RequestStore } from './request-store';
import { resumeStep, stateOfOutcome } from './resume';

/** One key cache per JWKS URL for the container's life (fal's keys change rarely; the cache refetches on a miss). */
const keyCaches = new Map<string, WebhookKeys>();
const keysAt = (url: string): WebhookKeys => {
  let keys = keyCaches.get(url);
  if (!keys) keyCaches.set(url, (keys = new JwksKeys(url)));
  return keys;
};

/**
 * POST /v1/webhooks/fal — a queued provider request finished. Does the
 * minimum: verifies the signature on the raw body, records the outcome once
 * per request ID, and resumes the step waiting on it. A forged or stale
 * delivery answers 400 and writes nothing; a duplicate or replay is
 * acknowledged and changes nothing; an ID the studio never queued is
 * acknowledged and ignored (fal would otherwise deliver it for hours).
 */
export const handleFalWebhookHandler = ({
  requests,
  sfn,
  account,
  keys = keysAt,
  now = Date.now,
}: {
  readonly requests: Pick<ProviderRequests, 'recordOutcome'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly account: ProviderAccountSource;
  readonly keys?: (jwksUrl: string) => WebhookKeys;
  readonly now?: () => number;
}) =>
  apiHandler(handleFalWebhook, async ({ event }) => {
    const body = rawBody(event);
    const { jwksUrl } = await account();
    const verdict = await verifyFalWebhook({ headers: event.headers ?? {}, rawBody: body }, keys(jwksUrl), now());
    if (!verdict.ok) {
      logger.warn('fal webhook refused', { reason: verdict.reason });
      metrics.addMetric('WebhooksRefused', 'Count', 1);
      throw new ApiError('INVALID_SIGNATURE', `The X-Fal-Webhook signature does not verify (${verdict.reason}).`);
    }
    let payload: { request_id?: unknown; status?: unknown };
    try {
      payload = JSON.parse(body.toString('utf8')) as typeof payload;
    } catch {
      throw new ApiError('INVALID_WEBHOOK', 'The webhook body is not JSON.');
    }
    if (payload.request_id !== undefined && payload.request_id !== verdict.requestId) {
      throw new ApiError('INVALID_WEBHOOK', 'The body names another request than the signed X-Fal-Webhook-Request-Id.');
    }
    if (payload.status !== 'OK' && payload.status !== 'ERROR') throw new ApiError('INVALID_WEBHOOK', 'status must be "OK" or "ERROR".');

    const requestId = verdict.requestId;
    logger.appendKeys({ falRequestId: requestId });
    const { first, record } = await requests.recordOutcome(requestId, payload.status, 'webhook');
    if (!record) {
      logger.warn('fal webhook for a request the studio did not queue');
      return { received: true as const, outcome: 'unknown' as const };
    }
    if (!first) return { received: true as const, outcome: 'duplicate' as const };
    if (record.taskToken && (await resumeStep(sfn, record.taskToken, { state: stateOfOutcome(payload.status) }))) {
      return { received: true as const, outcome: 'resumed' as const };
    }
    // No step waits yet (it is about to, and will find the outcome), or it timed out into a poll.
    return { received: true as const, outcome: 'recorded' as const };
  });

// The tokens it resumes are this state machine's.
requireEnv('GenerationPipeline');
export const handler = handleFalWebhookHandler({
  requests: new RequestStore(ddb(), requireEnv('Table')),
  sfn: sfnClient(),
  account: secretsManagerProviderAccount(requireEnv('FalSecret')),
});
