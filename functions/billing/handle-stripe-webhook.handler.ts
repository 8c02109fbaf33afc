import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { handleStripeWebhook } from '#shared/api/billing';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { handleEvent, InvalidSignature, rawBody, verifiedEvent } from './fulfilment';
import { secretsManagerAccount, type StripeAccountSource } from './stripe-account';

/**
 * POST /v1/webhooks/stripe — Stripe's events about Checkout Sessions. The
 * signature is checked on the raw body (no JSON parser runs on this route);
 * a paid session credits its wallet exactly once (see `handleEvent`).
 * 400 INVALID_SIGNATURE writes nothing; a 5xx makes Stripe deliver again.
 */
export const handleStripeWebhookHandler = ({
  ledger,
  account,
  now = Date.now,
}: {
  readonly ledger: Pick<Ledger, 'purchase'>;
  readonly account: StripeAccountSource;
  readonly now?: () => number;
}) =>
  apiHandler(handleStripeWebhook, async ({ event }) => {
    const { webhookSecret } = await account();
    let stripeEvent;
    try {
      stripeEvent = verifiedEvent(rawBody(event), event.headers?.['stripe-signature'], webhookSecret, now());
    } catch (error) {
      if (!(error instanceof InvalidSignature)) throw error;
      logger.warn('Stripe webhook refused', { reason: error.message });
      throw new ApiError('INVALID_SIGNATURE', error.message);
    }
    logger.appendKeys({ stripeEventId: stripeEvent.id });
    return { received: true as const, outcome: await handleEvent(stripeEvent, ledger) };
  });

export const handler = handleStripeWebhookHandler({
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  account: secretsManagerAccount(requireEnv('StripeSecret')),
});
