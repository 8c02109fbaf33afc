import { FAL_JWKS_URL } from '../../../functions/generation/fal-webhook-signature';

/**
 * The fal account the local cloud's functions use, as the stage's `FalSecret` holds it
 * (`{ apiKey, baseUrl?, jwksUrl }`, what `FalProvider` and the webhook verifier need).
 */
export interface LocalFalAccount {
  readonly apiKey: string;
  /** The stand-in's origin (`FalProvider`'s `baseUrl`); absent for fal.ai itself. */
  readonly baseUrl?: string;
  /** Where the webhook signing keys are: the stand-in's JWKS, or fal's. */
  readonly jwksUrl: string;
}

/**
 * The stand-in's account, unless a real key is given: `FAL_KEY` switches the functions to
 * fal.ai itself (its queue, its JWKS), with nothing else changed. fal must then reach the
 * API's webhook route, so the local API needs a public tunnel for webhooks; without one,
 * the status poll still finds every request.
 */
export function localFalAccount(standIn: { readonly url: string; readonly credentials: string; readonly jwksUrl: string }, env: NodeJS.ProcessEnv = process.env): LocalFalAccount {
  const key = env.FAL_KEY?.trim();
  if (key) return { apiKey: key, jwksUrl: FAL_JWKS_URL };
  return { apiKey: standIn.credentials, baseUrl: standIn.url, jwksUrl: standIn.jwksUrl };
}
