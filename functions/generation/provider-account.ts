import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from '#lib/powertools';
import * as z from '#shared/validation';
import { FalProvider } from './fal-provider';
import { FAL_JWKS_URL } from './fal-webhook-signature';
import type { ImageProvider } from './provider';

/**
 * The image provider account of a stage, as its secret (`FalSecret`) holds it:
 * fal.ai's API key, and on the local cloud the local fal stand-in's address
 * and JWKS. A real key without `baseUrl` talks to fal.ai; nothing else changes.
 */
export interface ProviderAccount {
  readonly apiKey: string;
  /** Another origin for fal's queue API (the local stand-in); fal's own when absent. */
  readonly baseUrl?: string;
  /** Where the webhook signing keys are published; fal's JWKS when absent. */
  readonly jwksUrl: string;
}

export type ProviderAccountSource = () => Promise<ProviderAccount>;

const accountSchema = z.object({
  apiKey: z.string().check(z.minLength(8, 'apiKey must be the fal.ai API key (key id:secret)')),
  baseUrl: z.optional(z.url({ error: 'baseUrl must be a URL' })),
  jwksUrl: z.optional(z.url({ error: 'jwksUrl must be a URL' })),
});

/** How long a warm function keeps the secret before reading it again (a rotated key takes effect within this). */
export const SECRET_MAX_AGE_SECONDS = 300;

export function parseProviderAccount(value: unknown, secretId: string): ProviderAccount {
  const parsed = accountSchema.safeParse(value);
  if (!parsed.success) throw new Error(`The secret ${secretId} must hold JSON { "apiKey": "…" }: ${z.describeIssues(parsed.error)}`);
  return { ...parsed.data, jwksUrl: parsed.data.jwksUrl ?? FAL_JWKS_URL };
}

/** The account from Secrets Manager through Powertools Parameters (cached for {@link SECRET_MAX_AGE_SECONDS}). */
export function secretsManagerProviderAccount(
  secretId: string,
  provider = new SecretsProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})) }),
): ProviderAccountSource {
  return async () => parseProviderAccount(await provider.get(secretId, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS }), secretId);
}

const providers = new Map<string, ImageProvider>();

/** One provider client per account for the container's life (a rotated key gets its own). */
export function providerFor(account: ProviderAccount): ImageProvider {
  const id = `${account.baseUrl ?? ''}|${account.apiKey}`;
  let provider = providers.get(id);
  if (!provider) {
    provider = new FalProvider(account.apiKey, { ...(account.baseUrl && { baseUrl: account.baseUrl }) });
    providers.set(id, provider);
  }
  return provider;
}

/** The provider of the account a source reads. */
export type ProviderSource = () => Promise<ImageProvider>;
export const providerSource =
  (account: ProviderAccountSource): ProviderSource =>
  async () =>
    providerFor(await account());
