import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/** fal's published webhook keys (Ed25519, JWK `x` in base64url). The local generator serves its own at a local URL. */
export const FAL_JWKS_URL = 'https://rest.fal.ai/.well-known/jwks.json';
/** A delivery whose timestamp is further than this from now is refused (replays, clock games). */
export const MAX_SKEW_SECONDS = 300;
/** fal allows caching its keys for up to 24 hours; a verification that fails refetches sooner (keys rotate). */
export const KEYS_CACHE_MS = 12 * 60 * 60 * 1000;
/** The least time between two refetches forced by failing signatures, so forged deliveries cannot hammer fal's JWKS. */
export const MIN_REFETCH_MS = 60 * 1000;

export type WebhookVerdict =
  | { readonly ok: true; readonly requestId: string; readonly userId: string; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'MISSING_HEADER' | 'BAD_TIMESTAMP' | 'STALE' | 'BAD_SIGNATURE' | 'NO_KEYS' };

/** Header names as fal sends them; looked up case-insensitively. */
const HEADERS = {
  requestId: 'x-fal-webhook-request-id',
  userId: 'x-fal-webhook-user-id',
  timestamp: 'x-fal-webhook-timestamp',
  signature: 'x-fal-webhook-signature',
} as const;

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = found?.[1]?.trim();
  return value ? value : undefined;
}

/** The bytes fal signs: request ID, user ID, timestamp and the SHA-256 (hex) of the raw body, one per line. */
export function signedMessage(requestId: string, userId: string, timestamp: string, rawBody: Buffer): Buffer {
  const digest = createHash('sha256').update(rawBody).digest('hex');
  return Buffer.from([requestId, userId, timestamp, digest].join('\n'), 'utf8');
}

/** An Ed25519 public key from one JWKS entry; undefined for entries of another kind. */
export function keyFromJwk(jwk: unknown): KeyObject | undefined {
  if (!jwk || typeof jwk !== 'object') return undefined;
  const { kty, crv, x } = jwk as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') return undefined;
  try {
    return createPublicKey({ key: { kty, crv, x }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Where the keys come from: fal's JWKS (or the local generator's), cached. */
export interface WebhookKeys {
  /** The keys as cached; `refresh` asks for a fresh copy (at most once per {@link MIN_REFETCH_MS}). */
  keys(refresh?: boolean): Promise<readonly KeyObject[]>;
}

/** fal's JWKS over HTTPS, cached for {@link KEYS_CACHE_MS}; a failed fetch keeps the last good keys. */
export class JwksKeys implements WebhookKeys {
  private cached?: { readonly keys: readonly KeyObject[]; readonly at: number };
  private lastFetch = -Infinity;

  constructor(
    private readonly url: string = FAL_JWKS_URL,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
    private readonly now: () => number = () => Date.now(),
  ) {}

  async keys(refresh = false): Promise<readonly KeyObject[]> {
    if (this.cached && !refresh && this.now() - this.cached.at < KEYS_CACHE_MS) return this.cached.keys;
    if (this.cached && this.now() - this.lastFetch < MIN_REFETCH_MS) return this.cached.keys;
    this.lastFetch = this.now();
    try {
      const response = await this.fetchImpl(this.url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const body = (await response.json()) as { keys?: unknown };
      const keys = (Array.isArray(body.keys) ? body.keys : []).map(keyFromJwk).filter((key): key is KeyObject => !!key);
      if (keys.length) this.cached = { keys, at: this.now() };
    } catch {
      // Keep what we had: a verification with old keys fails closed, never open.
    }
    return this.cached?.keys ?? [];
  }
}

/**
 * Verifies one webhook delivery exactly as fal signs it: the four headers
 * present, the timestamp within ±{@link MAX_SKEW_SECONDS} of now, and an
 * Ed25519 signature (hex) over {@link signedMessage} that some key of the
 * JWKS verifies. A signature no cached key verifies is tried once more with
 * freshly fetched keys (fal rotates them). Any failure is a refusal; the body
 * is never parsed before the signature holds.
 */
export async function verifyFalWebhook(
  input: { readonly headers: Readonly<Record<string, string | undefined>>; readonly rawBody: Buffer },
  keys: WebhookKeys,
  nowMs: number = Date.now(),
): Promise<WebhookVerdict> {
  const requestId = header(input.headers, HEADERS.requestId);
  const userId = header(input.headers, HEADERS.userId);
  const timestamp = header(input.headers, HEADERS.timestamp);
  const signature = header(input.headers, HEADERS.signature);
  if (!requestId || !userId || !timestamp || !signature) return { ok: false, reason: 'MISSING_HEADER' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'BAD_TIMESTAMP' };
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > MAX_SKEW_SECONDS) return { ok: false, reason: 'STALE' };
  if (!/^[0-9a-f]{128}$/i.test(signature)) return { ok: false, reason: 'BAD_SIGNATURE' };
  const message = signedMessage(requestId, userId, timestamp, input.rawBody);
  const bytes = Buffer.from(signature, 'hex');
  const verifiedBy = (candidates: readonly KeyObject[]) => candidates.some((key) => verify(null, message, key, bytes));
  const cached = await keys.keys();
  if (verifiedBy(cached)) return { ok: true, requestId, userId, timestamp: seconds };
  const refreshed = await keys.keys(true);
  if (!refreshed.length) return { ok: false, reason: 'NO_KEYS' };
  if (refreshed !== cached && verifiedBy(refreshed)) return { ok: true, requestId, userId, timestamp: seconds };
  return { ok: false, reason: 'BAD_SIGNATURE' };
}
