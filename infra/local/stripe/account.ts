import type { LocalStripeSecrets } from './store';

/** The Stripe account the local cloud's functions use, and where its API is. */
export interface LocalStripeAccount extends LocalStripeSecrets {
  /** The Stripe stand-in's URL (the functions' STRIPE_API_URL), or undefined for Stripe itself. */
  readonly apiUrl?: string;
}

/**
 * The stand-in's account, unless real test keys are given: `STRIPE_SECRET_KEY` and
 * `STRIPE_WEBHOOK_SECRET` (the one `stripe listen --forward-to <api>/v1/webhooks/stripe`
 * prints) switch the functions to Stripe itself, with nothing else changed.
 */
export function localStripeAccount(standIn: LocalStripeSecrets & { readonly url: string }, env: NodeJS.ProcessEnv = process.env): LocalStripeAccount {
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim();
  if (secretKey && webhookSecret) return { secretKey, webhookSecret };
  if (secretKey || webhookSecret) throw new Error('Set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to use Stripe itself, or neither for the local stand-in.');
  return { secretKey: standIn.secretKey, webhookSecret: standIn.webhookSecret, apiUrl: standIn.url };
}
