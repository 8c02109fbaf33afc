import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The local fal account: the API key the stand-in accepts, its user ID, and the key its webhooks are signed with. */
export interface LocalFalSecrets {
  /** `<key id>:<key secret>`, shaped as fal's keys (`Authorization: Key <credentials>`, `FAL_KEY`). */
  readonly credentials: string;
  /** The account's user ID, sent as `X-Fal-Webhook-User-Id` and signed. */
  readonly userId: string;
  /** The Ed25519 webhook signing key: its JWKS `kid` and PKCS#8 PEM. */
  readonly webhookKey: { readonly kid: string; readonly privateKeyPem: string };
}

/** The local account's secrets: made once and kept in `<dataDir>/secrets.json` (mode 600). */
export function localFalSecrets(dataDir: string): LocalFalSecrets {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalFalSecrets;
  const { privateKey } = generateKeyPairSync('ed25519');
  const secrets: LocalFalSecrets = {
    credentials: `${randomUUID()}:${randomBytes(16).toString('hex')}`,
    userId: `local-${randomBytes(6).toString('hex')}`,
    webhookKey: { kid: `local-${randomBytes(8).toString('hex')}`, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() },
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** fal's JWKS shape (`https://rest.fal.ai/.well-known/jwks.json`): Ed25519 public keys as OKP JWKs, `x` in base64url. */
export function jwksOf(secrets: LocalFalSecrets): { keys: Record<string, string>[] } {
  const jwk = createPublicKey(createPrivateKey(secrets.webhookKey.privateKeyPem)).export({ format: 'jwk' }) as Record<string, string>;
  return { keys: [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid: secrets.webhookKey.kid, use: 'sig', alg: 'EdDSA' }] };
}

/**
 * The four headers fal sends with a webhook delivery: request ID, user ID, Unix
 * timestamp (seconds) and the hex Ed25519 signature of
 * `request_id \n user_id \n timestamp \n sha256-hex(raw body)`.
 */
export function webhookHeaders(rawBody: Buffer, requestId: string, userId: string, key: KeyObject, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const digest = createHash('sha256').update(rawBody).digest('hex');
  const message = Buffer.from([requestId, userId, String(timestamp), digest].join('\n'), 'utf8');
  return {
    'x-fal-webhook-request-id': requestId,
    'x-fal-webhook-user-id': userId,
    'x-fal-webhook-timestamp': String(timestamp),
    'x-fal-webhook-signature': sign(null, message, key).toString('hex'),
  };
}

/**
 * JSON as fal's (Python) gateway writes webhook bodies: keys sorted, `", "` and `": "`
 * between items, non-ASCII escaped. The signature covers these exact bytes, so a
 * receiver that re-serialises the parsed body (instead of verifying the raw one) fails
 * locally as it would against fal.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return 'null';
}
