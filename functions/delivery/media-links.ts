import { createPrivateKey } from 'node:crypto';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { tracer } from '#lib/powertools';
import * as z from '#shared/validation';

/**
 * The port through which delivery hands a customer time-limited links to their
 * images. On AWS the adapter signs CloudFront URLs ({@link CloudFrontMediaLinks});
 * the local cloud checks the very same signatures in its CloudFront stand-in
 * (`infra/local/media/`), so one adapter serves both worlds.
 */
export interface MediaLinks {
  /** A URL that serves the object `key` until `expiresAt` (then CloudFront answers 403). */
  sign(key: string, expiresAt: Date): string;
}

/** The key CloudFront links are signed with, as its secret (`MediaSigningKeySecret`) holds it. */
export interface SigningKey {
  /** The ID of the CloudFront *public key* in the distribution's trusted key group (`K2JCJMDEHXQW5F`), sent as `Key-Pair-Id`. */
  readonly keyPairId: string;
  /** The matching RSA private key, PEM (PKCS#1 `BEGIN RSA PRIVATE KEY` or PKCS#8 `BEGIN PRIVATE KEY`). */
  readonly privateKey: string;
}

export type SigningKeySource = () => Promise<SigningKey>;

const signingKeySchema = z.object({
  keyPairId: z.string().check(z.regex(/^[A-Z0-9]{8,64}$/, 'keyPairId must be the ID of the CloudFront public key (upper-case letters and digits, such as K2JCJMDEHXQW5F)')),
  privateKey: z
    .string()
    .check(
      z.regex(/^\s*-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----\s*$/, 'privateKey must be an unencrypted RSA private key in PEM form (-----BEGIN PRIVATE KEY----- …)'),
    ),
});

/** How long a warm function keeps the secret before reading it again (a rotated key takes effect within this). */
export const SECRET_MAX_AGE_SECONDS = 300;

/**
 * The signing key in a secret's JSON value, or an error that says what an
 * operator must put there. The PEM must also load as an RSA key: CloudFront
 * trusted key groups accept RSA 2048 public keys only, and a key that fails to
 * load would otherwise fail on the first link a customer asks for.
 */
export function parseSigningKey(value: unknown, secretId: string): SigningKey {
  const shape = `The secret ${secretId} must hold JSON { "keyPairId": "K…", "privateKey": "-----BEGIN PRIVATE KEY-----…" }`;
  const parsed = signingKeySchema.safeParse(value);
  if (!parsed.success) throw new Error(`${shape}: ${z.describeIssues(parsed.error)}`);
  let keyType: string | undefined;
  try {
    keyType = createPrivateKey(parsed.data.privateKey).asymmetricKeyType;
  } catch (error) {
    throw new Error(`${shape}: privateKey does not load as a private key (${(error as Error).message})`, { cause: error });
  }
  if (keyType !== 'rsa') throw new Error(`${shape}: privateKey must be an RSA key (CloudFront accepts RSA 2048 public keys), not ${keyType}`);
  return parsed.data;
}

/** The key from Secrets Manager through Powertools Parameters (cached for {@link SECRET_MAX_AGE_SECONDS}). */
export function secretsManagerSigningKey(
  secretId: string,
  provider = new SecretsProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})) }),
): SigningKeySource {
  return async () => parseSigningKey(await provider.get(secretId, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS }), secretId);
}

/**
 * The distribution's base URL, checked and without a trailing slash:
 * `https://d111111abcdef8.cloudfront.net`, or a URL with a path prefix when the
 * media are served under one (`http://127.0.0.1:4000/media`).
 */
export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`The media base URL must be an absolute URL such as https://d111111abcdef8.cloudfront.net, not "${baseUrl}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`The media base URL must be http(s), not ${url.protocol}`);
  if (url.search || url.hash || url.username || url.password) throw new Error('The media base URL must not carry a query, a fragment or credentials');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The URL path of an object key: each `/`-separated segment percent-encoded
 * (`encodeURIComponent`, so spaces, `?`, `#`, `%`, `+`, `&` and non-ASCII are
 * escaped) and the `/` kept, which is how CloudFront maps the path back to the
 * S3 key. Empty, `.` and `..` segments are refused: viewers' clients and
 * CloudFront normalise them away, so the link would name another object.
 */
export function encodeKeyPath(key: string): string {
  const segments = key.split('/');
  if (!key || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`Cannot link to the object key "${key}": it must be non-empty, must not start or end with "/", and must not contain "//", "." or ".." segments`);
  }
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** The unsigned URL of an object behind the distribution. */
export function mediaUrl(baseUrl: string, key: string): string {
  return `${normaliseBaseUrl(baseUrl)}/${encodeKeyPath(key)}`;
}

/** CloudFront reads `Expires` / `AWS:EpochTime` as a 32-bit Unix time; later dates cannot be signed. */
export const MAX_EPOCH_SECONDS = 2_147_483_647;

/**
 * {@link MediaLinks} as CloudFront signed URLs with a canned policy (`Expires`,
 * `Signature`, `Key-Pair-Id`; RSA-SHA1 over
 * `{"Statement":[{"Resource":"<url>","Condition":{"DateLessThan":{"AWS:EpochTime":<expires>}}}]}`),
 * signed by `@aws-sdk/cloudfront-signer`. A canned policy names exactly one
 * URL, so a link opens one image and no other.
 */
export class CloudFrontMediaLinks implements MediaLinks {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly key: SigningKey,
  ) {
    this.baseUrl = normaliseBaseUrl(baseUrl);
  }

  sign(key: string, expiresAt: Date): string {
    const seconds = Math.round(expiresAt.getTime() / 1000);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`Cannot sign a link to "${key}" with an invalid expiry`);
    if (seconds > MAX_EPOCH_SECONDS) throw new Error(`Cannot sign a link to "${key}" expiring after 2038-01-19 (CloudFront's 32-bit Unix time)`);
    return getSignedUrl({
      url: `${this.baseUrl}/${encodeKeyPath(key)}`,
      keyPairId: this.key.keyPairId,
      privateKey: this.key.privateKey,
      // Whole seconds, as the signer rounds them itself: `Expires` and the signed policy agree.
      dateLessThan: new Date(seconds * 1000),
    });
  }
}

/** Links of the key a source reads; built per call so a rotated key takes effect within {@link SECRET_MAX_AGE_SECONDS}. */
export const mediaLinksSource =
  (baseUrl: string, key: SigningKeySource): (() => Promise<MediaLinks>) =>
  async () =>
    new CloudFrontMediaLinks(baseUrl, await key());
