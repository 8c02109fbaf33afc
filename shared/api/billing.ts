import { creditPackageSchema, PACKAGE_IDS } from '../billing';
import * as z from '../validation';
import { defineRoute } from './contract';

/** Credit packages and their purchase through Stripe Checkout. */
export const listCreditPackages = defineRoute({
  operationId: 'listCreditPackages',
  method: 'GET',
  path: '/v1/billing/packages',
  auth: 'none',
  tag: 'billing',
  summary: 'The credit packages on sale, with their prices',
  status: 200,
  response: z.object({ packages: z.array(creditPackageSchema) }),
  errors: [],
});

export const checkoutSchema = z.strictObject({
  packageId: z.enum(PACKAGE_IDS, { error: `packageId must be one of ${PACKAGE_IDS.join(', ')}` }),
  /** The wallet to credit; the caller's personal wallet when absent. */
  walletId: z.optional(z.uuid({ error: 'walletId is not a valid wallet ID' })),
});
export type CheckoutInput = z.input<typeof checkoutSchema>;

export const createCheckout = defineRoute({
  operationId: 'createCheckout',
  method: 'POST',
  path: '/v1/billing/checkout',
  auth: 'user',
  tag: 'billing',
  summary: 'Start buying a credit package: a Stripe Checkout Session for a wallet the caller may use',
  description:
    "Send the browser to `url` (Stripe's hosted checkout page). The wallet is credited once Stripe reports the payment (its webhook), " +
    'and its history then holds a `purchase` entry whose reference is `sessionId`. The wallet is the personal one unless `walletId` names another the caller may use.',
  body: checkoutSchema,
  status: 201,
  response: z.object({ sessionId: z.string(), url: z.string() }),
  errors: ['WALLET_NOT_FOUND', 'PAYMENTS_UNAVAILABLE'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

/** What the webhook did with an event (Stripe only reads the status; people debugging read this). */
export const WEBHOOK_OUTCOMES = ['credited', 'duplicate', 'ignored'] as const;

export const handleStripeWebhook = defineRoute({
  operationId: 'handleStripeWebhook',
  method: 'POST',
  path: '/v1/webhooks/stripe',
  auth: 'none',
  tag: 'billing',
  summary: "Stripe's webhook: Checkout Session events, verified by their Stripe-Signature",
  description:
    'Called by Stripe, not by clients. The body is the event exactly as Stripe signed it; the `Stripe-Signature` header must verify against the ' +
    'endpoint secret within 300 seconds. A paid `checkout.session.completed` or a `checkout.session.async_payment_succeeded` credits the wallet ' +
    "once per session, however often Stripe delivers it; other events are acknowledged and ignored. 400 for a bad signature; 5xx makes Stripe retry.",
  status: 200,
  response: z.object({ received: z.literal(true), outcome: z.enum(WEBHOOK_OUTCOMES) }),
  errors: ['INVALID_SIGNATURE'],
});
