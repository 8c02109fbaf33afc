import type Stripe from 'stripe';
import type { ApiEvent } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import type { CheckoutMetadata, CreditPackage } from '#shared/billing';
import { type StripeAccountSource, stripeClient } from './stripe-account';

/** One purchase to start: which package, for which wallet, by whom, and the web app to come back to. */
export interface CheckoutRequest {
  readonly pkg: CreditPackage;
  readonly walletId: string;
  /** The buyer's `sub`, kept in the session's metadata for support. */
  readonly buyer: string;
  /** Origin of the web app (`https://…`), where Stripe sends the buyer back. */
  readonly origin: string;
}

export interface CheckoutSession {
  readonly sessionId: string;
  /** Stripe's hosted checkout page. */
  readonly url: string;
}

/** The port the checkout handler talks to: creates a hosted checkout for one package. */
export type Checkout = (request: CheckoutRequest) => Promise<CheckoutSession>;

/** Stripe could not be reached, refused our key or our request: nothing was charged. */
export class PaymentsUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PaymentsUnavailable';
  }
}

/** Checkout Sessions live 24 hours by default; an abandoned purchase needs no longer than 1 hour (Stripe's minimum is 30 minutes). */
export const SESSION_LIFETIME_SECONDS = 60 * 60;

/** Where Stripe sends the buyer: the web app's billing pages, with the wallet and (on success) the session ID Stripe fills in. */
export function returnUrls(origin: string, walletId: string): { success: string; cancel: string } {
  const wallet = encodeURIComponent(walletId);
  return {
    success: `${origin}/#/billing/return?wallet=${wallet}&session={CHECKOUT_SESSION_ID}`,
    cancel: `${origin}/#/billing?wallet=${wallet}&cancelled=1`,
  };
}

/** The Checkout Session of a purchase: one line item priced from the package, the wallet and package in signed metadata. */
export function sessionParams(request: CheckoutRequest, now = Date.now()): Stripe.Checkout.SessionCreateParams {
  const { pkg, walletId, buyer } = request;
  const urls = returnUrls(request.origin, walletId);
  const metadata: CheckoutMetadata = { walletId, packageId: pkg.packageId, buyer };
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: pkg.currency,
          unit_amount: pkg.priceCents,
          product_data: { name: `${pkg.name}: ${pkg.credits.toLocaleString('en-US')} credits`, description: 'Credits for AI headshots at the headshot studio' },
        },
      },
    ],
    success_url: urls.success,
    cancel_url: urls.cancel,
    client_reference_id: walletId,
    metadata: { ...metadata },
    expires_at: Math.floor(now / 1000) + SESSION_LIFETIME_SECONDS,
  };
}

/** The Stripe adapter of {@link Checkout}: a Checkout Session on the stage's Stripe account. */
export function stripeCheckout(account: StripeAccountSource, client: (secretKey: string) => Stripe = stripeClient): Checkout {
  return async (request) => {
    const { secretKey } = await account();
    let session: Stripe.Checkout.Session;
    try {
      session = await client(secretKey).checkout.sessions.create(sessionParams(request));
    } catch (error) {
      // StripeAuthenticationError, StripeConnectionError, StripeInvalidRequestError, …: all ours or Stripe's, never the buyer's.
      throw new PaymentsUnavailable(`Stripe refused or did not answer the checkout: ${(error as Error).message}`, { cause: error });
    }
    if (!session.url) throw new PaymentsUnavailable(`Stripe answered checkout session ${session.id} without a URL.`);
    return { sessionId: session.id, url: session.url };
  };
}

/**
 * The web app's origin, where Stripe sends the buyer back: the browser's
 * `Origin` (or `Referer`) of the call. Only https origins, and http on the
 * loopback interface (the local cloud), are accepted; the redirect only ever
 * takes the caller's own browser there.
 */
export function returnOrigin(event: ApiEvent): string {
  const headers = event.headers ?? {};
  const candidate = headers.origin ?? headers.referer;
  let url: URL | undefined;
  try {
    url = candidate ? new URL(candidate) : undefined;
  } catch {
    url = undefined;
  }
  const loopback = url?.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  if (!url || (url.protocol !== 'https:' && !loopback)) {
    throw new ApiError('VALIDATION_FAILED', 'Start a purchase from the web app: the request carries no https Origin to send you back to after paying.');
  }
  return url.origin;
}
