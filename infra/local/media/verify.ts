import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import * as z from '#shared/validation';

/**
 * What CloudFront answers about a signed URL: the request may go on to the
 * origin for `key` (the object key, decoded from the path), or it is refused
 * with 403 and the `<Error>` document's `code` and `message`. `reason` says
 * which check failed, for logs and tests; CloudFront itself does not tell.
 */
export type CloudFrontVerdict =
  | { readonly ok: true; readonly key: string; readonly policy: 'canned' | 'custom'; readonly expiresAt: Date }
  | { readonly ok: false; readonly code: CloudFrontErrorCode; readonly message: string; readonly reason: RefusalReason };

export type CloudFrontErrorCode = 'AccessDenied' | 'MissingKey' | 'InvalidKey' | 'MalformedPolicy';

export type RefusalReason =
  | 'missing-key-pair-id'
  | 'unknown-key'
  | 'missing-signature'
  | 'missing-expiry'
  | 'malformed-signature'
  | 'malformed-policy'
  | 'unsupported-hash'
  | 'bad-signature'
  | 'resource-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'ip-mismatch'
  | 'outside-distribution';

/**
 * The codes and messages CloudFront sends (AWS knowledge center, "troubleshoot
 * signed URL or signed cookies", and the answers viewers report): a missing
 * `Key-Pair-Id` is `MissingKey`, a key not in the trusted key group
 * `InvalidKey` / "Unknown Key", a `Policy` that does not parse `MalformedPolicy`,
 * and everything else (bad or absent signature, expired, wrong resource) the
 * deliberately vague `AccessDenied` / "Access denied".
 */
const REFUSALS: Readonly<Record<RefusalReason, { readonly code: CloudFrontErrorCode; readonly message: string }>> = {
  'missing-key-pair-id': { code: 'MissingKey', message: 'Missing Key-Pair-Id query parameter or cookie value' },
  'unknown-key': { code: 'InvalidKey', message: 'Unknown Key' },
  'malformed-policy': { code: 'MalformedPolicy', message: 'Malformed Policy' },
  'missing-signature': { code: 'AccessDenied', message: 'Access denied' },
  'missing-expiry': { code: 'AccessDenied', message: 'Access denied' },
  'malformed-signature': { code: 'AccessDenied', message: 'Access denied' },
  'unsupported-hash': { code: 'AccessDenied', message: 'Access denied' },
  'bad-signature': { code: 'AccessDenied', message: 'Access denied' },
  'resource-mismatch': { code: 'AccessDenied', message: 'Access denied' },
  expired: { code: 'AccessDenied', message: 'Access denied' },
  'not-yet-valid': { code: 'AccessDenied', message: 'Access denied' },
  'ip-mismatch': { code: 'AccessDenied', message: 'Access denied' },
  'outside-distribution': { code: 'AccessDenied', message: 'Access denied' },
};

const refuse = (reason: RefusalReason): CloudFrontVerdict => ({ ok: false, ...REFUSALS[reason], reason });

/** The query parameters CloudFront consumes; everything else stays part of the signed resource. */
export const SIGNING_PARAMETERS: ReadonlySet<string> = new Set(['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm']);

/** CloudFront's URL-safe base64 alphabet: `+` → `-`, `=` → `_`, `/` → `~`. */
const URL_SAFE_BASE64 = /^[A-Za-z0-9\-~]+_{0,2}$/;

/** Bytes of CloudFront's URL-safe base64, or undefined when the text is not that (Buffer would silently skip junk). */
export function decodeCloudFrontBase64(text: string): Buffer | undefined {
  if (!URL_SAFE_BASE64.test(text)) return undefined;
  const standard = text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');
  const bytes = Buffer.from(standard, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === standard.replace(/=+$/, '') ? bytes : undefined;
}

/** CloudFront's URL-safe base64 of some bytes (the inverse of {@link decodeCloudFrontBase64}). */
export function encodeCloudFrontBase64(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

/** The policy JSON a canned-policy URL stands for; CloudFront rebuilds it byte for byte and checks the signature over it. */
export function cannedPolicy(resource: string, expires: number): string {
  return `{"Statement":[{"Resource":${JSON.stringify(resource)},"Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
}

const epochTime = z.object({ 'AWS:EpochTime': z.number().check(z.int()) });
const customPolicySchema = z.object({
  // A signed URL's custom policy holds exactly one statement.
  Statement: z.tuple([
    z.object({
      Resource: z.optional(z.string()),
      Condition: z.object({
        DateLessThan: epochTime,
        DateGreaterThan: z.optional(epochTime),
        IpAddress: z.optional(z.object({ 'AWS:SourceIp': z.string() })),
      }),
    }),
  ]),
});

/** Whether a policy `Resource` (with `*` for any run of characters and `?` for one) covers a URL. */
export function resourceMatches(pattern: string, url: string): boolean {
  const source = [...pattern].map((char) => (char === '*' ? '[\\s\\S]*' : char === '?' ? '[\\s\\S]' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(url);
}

/** Whether an IPv4 address lies in a CIDR range (CloudFront's `AWS:SourceIp` is IPv4 only). */
export function ipv4InCidr(address: string, cidr: string): boolean {
  const toNumber = (ip: string): number | undefined => {
    const parts = ip.split('.');
    if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
    return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
  };
  const [base, bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  const ip = toNumber(address.replace(/^::ffff:/i, ''));
  const net = toNumber(base ?? '');
  if (ip === undefined || net === undefined || !/^\d{1,2}$/.test(bitsText) || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(net / size);
}

/**
 * The path and query of a request, exactly as sent (no decoding, no dot-segment
 * removal, no fragment): the request line's target, or the part of an absolute
 * URL after its authority.
 */
function requestTarget(url: string): string {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(withoutFragment);
  if (!scheme) return withoutFragment;
  const rest = withoutFragment.slice(scheme[0].length);
  const pathAt = rest.search(/[/?]/);
  if (pathAt === -1) return '/';
  return rest[pathAt] === '/' ? rest.slice(pathAt) : `/${rest.slice(pathAt)}`;
}

/** A public key as the trusted key group holds it: PEM text, or a key already loaded. */
export type TrustedPublicKey = string | KeyObject;

export interface VerifyOptions {
  /** The viewer's address, for a custom policy's `IpAddress` condition (refused when the policy has one and this is absent). */
  readonly clientIp?: string;
}

/**
 * Checks a request against CloudFront's signed-URL rules, as a distribution
 * whose behaviour restricts viewer access to a trusted key group does:
 *
 * - `Key-Pair-Id` names a key of the group (`publicKeys`, by public key ID);
 * - with `Policy` (custom policy) the signature covers the decoded policy JSON
 *   exactly as sent; otherwise (canned) it covers the canned policy rebuilt from
 *   the request's URL and `Expires`;
 * - RSA-SHA1, or RSA-SHA256 when `Hash-Algorithm=SHA256`;
 * - the resource is the distribution's public URL (`publicBaseUrl`'s origin)
 *   plus the path and query as sent, less CloudFront's own parameters; a canned
 *   policy must name it exactly, a custom policy's `Resource` may use `*`/`?`;
 * - now is before `DateLessThan` (`Expires`) and after `DateGreaterThan`.
 *
 * `url` is the request target as received (`/orders/…?Expires=…`) or an
 * absolute URL. Pure: no clock, no I/O.
 */
export function verifyCloudFrontRequest(
  url: string,
  now: Date,
  publicKeys: Readonly<Record<string, TrustedPublicKey>>,
  publicBaseUrl: string,
  options: VerifyOptions = {},
): CloudFrontVerdict {
  const base = new URL(publicBaseUrl);
  const target = requestTarget(url);
  const queryAt = target.indexOf('?');
  const rawPath = (queryAt === -1 ? target : target.slice(0, queryAt)) || '/';
  const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);

  const params = new Map<string, string>();
  const kept: string[] = [];
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!SIGNING_PARAMETERS.has(name)) {
      kept.push(pair);
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(eq === -1 ? '' : pair.slice(eq + 1));
    } catch {
      value = '';
    }
    // The first occurrence counts; a repeated parameter cannot override what was signed.
    if (!params.has(name)) params.set(name, value);
  }

  const keyPairId = params.get('Key-Pair-Id');
  if (!keyPairId) return refuse('missing-key-pair-id');
  const trusted = Object.hasOwn(publicKeys, keyPairId) ? publicKeys[keyPairId] : undefined;
  if (trusted === undefined) return refuse('unknown-key');
  let publicKey: KeyObject;
  try {
    publicKey = typeof trusted === 'string' ? createPublicKey(trusted) : trusted;
  } catch {
    return refuse('unknown-key');
  }

  const signatureText = params.get('Signature');
  if (!signatureText) return refuse('missing-signature');
  const signature = decodeCloudFrontBase64(signatureText);
  if (!signature) return refuse('malformed-signature');
  const hash = params.get('Hash-Algorithm') ?? 'SHA1';
  if (hash !== 'SHA1' && hash !== 'SHA256') return refuse('unsupported-hash');

  const resource = `${base.origin}${rawPath}${kept.length ? `?${kept.join('&')}` : ''}`;
  let policyBytes: Buffer;
  let pattern: string | undefined;
  let expires: number;
  let startsAfter: number | undefined;
  let sourceIp: string | undefined;
  const policyText = params.get('Policy');
  if (policyText !== undefined) {
    const decoded = decodeCloudFrontBase64(policyText);
    if (!decoded) return refuse('malformed-policy');
    let json: unknown;
    try {
      json = JSON.parse(decoded.toString('utf8'));
    } catch {
      return refuse('malformed-policy');
    }
    const parsed = customPolicySchema.safeParse(json);
    if (!parsed.success) return refuse('malformed-policy');
    const [statement] = parsed.data.Statement;
    policyBytes = decoded;
    pattern = statement.Resource;
    expires = statement.Condition.DateLessThan['AWS:EpochTime'];
    startsAfter = statement.Condition.DateGreaterThan?.['AWS:EpochTime'];
    sourceIp = statement.Condition.IpAddress?.['AWS:SourceIp'];
  } else {
    const expiresText = params.get('Expires');
    if (!expiresText) return refuse('missing-expiry');
    if (!/^\d{1,10}$/.test(expiresText)) return refuse('missing-expiry');
    expires = Number(expiresText);
    policyBytes = Buffer.from(cannedPolicy(resource, expires), 'utf8');
  }

  if (!verify(hash === 'SHA256' ? 'RSA-SHA256' : 'RSA-SHA1', policyBytes, publicKey, signature)) return refuse('bad-signature');
  // A canned policy names exactly the URL it was signed for (rebuilt from this very URL, so the signature already
  // proved it); a custom policy's Resource, when present, must cover it.
  if (pattern !== undefined && !resourceMatches(pattern, resource)) return refuse('resource-mismatch');
  const nowSeconds = now.getTime() / 1000;
  if (!(nowSeconds < expires)) return refuse('expired');
  if (startsAfter !== undefined && !(nowSeconds > startsAfter)) return refuse('not-yet-valid');
  if (sourceIp !== undefined && !(options.clientIp && ipv4InCidr(options.clientIp, sourceIp))) return refuse('ip-mismatch');

  const prefix = base.pathname.replace(/\/+$/, '');
  if (prefix && !rawPath.startsWith(`${prefix}/`)) return refuse('outside-distribution');
  let key: string;
  try {
    key = decodeURIComponent(rawPath.slice(prefix.length + 1));
  } catch {
    return refuse('outside-distribution');
  }
  // Dot and empty segments would name another object than the path shows (the signer never produces them).
  if (!key || key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return refuse('outside-distribution');
  return { ok: true, key, policy: policyText !== undefined ? 'custom' : 'canned', expiresAt: new Date(expires * 1000) };
}
