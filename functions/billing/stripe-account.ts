import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Stripe from 'stripe';
import { tracer } from '#lib/powertools';
import * as z from '#shared/validation';

/** The Stripe account of a stage, as its secret (`StripeSecret`) holds it. */
export interface StripeAccount {
  /** The API key (`sk_live_…`, `sk_test_…` or a restricted `rk_…`). */
  readonly secretKey: string;
  /** The signing secret of the webhook endpoint (`whsec_…`). */
  readonly webhookSecret: string;
}

/** Reads the account; cached, so a warm function reads the secret once every few minutes. */
export type StripeAccountSource = () => Promise<StripeAccount>;

const accountSchema = z.object({
  secretKey: z.string().check(z.regex(/^(sk|rk)_(test|live)_\S+$/, 'secretKey must be a Stripe secret or restricted key (sk_… or rk_…)')),
  webhookSecret: z.string().check(z.regex(/^whsec_\S+$/, 'webhookSecret must be a webhook signing secret (whsec_…)')),
});

/** How long a warm function keeps the secret before reading it again (a rotated key takes effect within this). */
export const SECRET_MAX_AGE_SECONDS = 300;

/** The account in a secret's JSON value, or an error that says what an operator must put there. */
export function parseAccount(value: unknown, secretId: string): StripeAccount {
  const parsed = accountSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`The secret ${secretId} must hold JSON { "secretKey": "sk_…", "webhookSecret": "whsec_…" }: ${z.describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The account from Secrets Manager through Powertools Parameters (in-memory
 * cache of {@link SECRET_MAX_AGE_SECONDS}, JSON transform). The client finds
 * the local Secrets Manager through AWS_ENDPOINT_URL_SECRETS_MANAGER, as every
 * other client finds its service.
 */
export function secretsManagerAccount(secretId: string, provider = new SecretsProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})) })): StripeAccountSource {
  return async () => parseAccount(await provider.get(secretId, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS }), secretId);
}

/**
 * Where the Stripe API lives: Stripe's own unless `STRIPE_API_URL` names
 * another origin. Only the local cloud sets it (the Stripe stand-in), as it
 * sets AWS_ENDPOINT_URL_* for the AWS services.
 */
export function stripeApiOptions(apiUrl: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

const clients = new Map<string, Stripe>();

/** One Stripe client per key for the container's life (a rotated key gets its own). */
export function stripeClient(secretKey: string, apiUrl = process.env.STRIPE_API_URL): Stripe {
  let client = clients.get(secretKey);
  if (!client) {
    // Two retries with Stripe's own idempotency keys; well inside the function's timeout.
    client = new Stripe(secretKey, { ...stripeApiOptions(apiUrl), maxNetworkRetries: 2, timeout: 5_000, appInfo: { name: 'headshot-studio' } });
    clients.set(secretKey, client);
  }
  return client;
}
