import Stripe from 'stripe';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { checkoutMetadataSchema, packageById } from '#shared/billing';
import type { WEBHOOK_OUTCOMES } from '#shared/api/billing';
import { describeIssues } from '#shared/validation';
import { type Ledger, LedgerError } from '#functions/wallets/ledger-store';

/** What the webhook did with one event. */
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Stripe's default, and the most the studio accepts: an event signed longer ago is refused (a replay). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The signature header is missing, does not match the body, or is too old. */
export class InvalidSignature extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSignature';
  }
}

export { rawBody } from '#lib/raw-body';

/** Verifies `Stripe-Signature` on the raw body with the endpoint's secret and answers the event it signs. */
export function verifiedEvent(body: Buffer, signature: string | undefined, webhookSecret: string, receivedAt = Date.now()): Stripe.Event {
  if (!signature) throw new InvalidSignature('The request has no Stripe-Signature header.');
  try {
    return Stripe.webhooks.constructEvent(body, signature, webhookSecret, SIGNATURE_TOLERANCE_SECONDS, undefined, receivedAt);
  } catch (error) {
    throw new InvalidSignature(`The Stripe-Signature header does not verify: ${(error as Error).message}`);
  }
}

/**
 * Acts on one verified event. A paid Checkout Session credits its wallet with
 * its package, once: the session ID is the ledger's idempotency key (and the
 * entry's reference, the purchase's receipt), so a repeat, a late or a
 * concurrent delivery of this or the session's other event writes nothing.
 * What no retry can change (an unpaid session, metadata the studio did not
 * write, an unknown package, a price that does not match, a wallet that is
 * gone) is logged and acknowledged, so Stripe stops retrying; anything else
 * (the table not answering) throws, and Stripe retries.
 */
export async function handleEvent(event: Stripe.Event, ledger: Pick<Ledger, 'purchase'>): Promise<WebhookOutcome> {
  const context = { eventId: event.id, type: event.type };
  switch (event.type) {
    case 'checkout.session.completed':
      // A delayed payment method completes the session unpaid; async_payment_succeeded follows.
      if (event.data.object.payment_status !== 'paid') {
        logger.info('Checkout completed, payment pending', { ...context, sessionId: event.data.object.id, paymentStatus: event.data.object.payment_status });
        return 'ignored';
      }
      return fulfil(event.data.object, ledger, context);
    case 'checkout.session.async_payment_succeeded':
      return fulfil(event.data.object, ledger, context);
    case 'checkout.session.async_payment_failed':
      logger.warn('Delayed payment failed: nothing credited', { ...context, sessionId: event.data.object.id, walletId: event.data.object.metadata?.walletId });
      metrics.addMetric('PaymentsFailed', MetricUnit.Count, 1);
      return 'ignored';
    default:
      logger.info('Event not handled', context);
      return 'ignored';
  }
}

async function fulfil(session: Stripe.Checkout.Session, ledger: Pick<Ledger, 'purchase'>, context: Record<string, string>): Promise<WebhookOutcome> {
  const log = { ...context, sessionId: session.id };
  // Paid but not credited: an operator must look (refund, or credit by hand with an adjustment).
  const refuse = (why: string, detail: Record<string, unknown> = {}): WebhookOutcome => {
    logger.error(`Paid Checkout Session not credited: ${why}`, { ...log, ...detail });
    metrics.addMetric('PurchasesNotCredited', MetricUnit.Count, 1);
    return 'ignored';
  };
  if (session.mode !== 'payment') return refuse(`mode ${session.mode} is not a credit purchase`);
  const metadata = checkoutMetadataSchema.safeParse(session.metadata ?? {});
  if (!metadata.success) return refuse(`its metadata is not the studio's (${describeIssues(metadata.error)})`);
  const { walletId, packageId } = metadata.data;
  const pkg = packageById(packageId);
  if (!pkg) return refuse(`unknown package "${packageId}"`, { walletId });
  if (session.currency !== pkg.currency || session.amount_total !== pkg.priceCents) {
    return refuse(`${session.amount_total} ${session.currency} paid, the ${pkg.packageId} package costs ${pkg.priceCents} ${pkg.currency}`, { walletId });
  }
  try {
    const { applied, wallet } = await ledger.purchase(walletId, { amount: pkg.credits, reference: session.id, idempotencyKey: session.id });
    if (!applied) {
      logger.info('Purchase already credited', { ...log, walletId });
      return 'duplicate';
    }
    logger.info('Purchase credited', { ...log, walletId, packageId, credits: pkg.credits, balance: wallet.balance });
    metrics.addDimension('package', pkg.packageId);
    metrics.addMetric('CreditsPurchased', MetricUnit.Count, pkg.credits);
    return 'credited';
  } catch (error) {
    if (error instanceof LedgerError && error.reason === 'WALLET_NOT_FOUND') return refuse('the wallet does not exist', { walletId });
    throw error;
  }
}
