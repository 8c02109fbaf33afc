import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The parts of AWS Signature Version 4 the local S3 front checks: the signing
 * key, the credential scope, and the canonical request of a presigned URL
 * (AWS General Reference, "Create a signed AWS API request"; Amazon S3 API
 * Reference, "Authenticating Requests: Using Query Parameters").
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** `<access key>/<yyyyMMdd>/<region>/<service>/aws4_request`, split. */
export interface Credential {
  readonly accessKey: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** `<yyyyMMdd>/<region>/<service>/aws4_request`. */
  readonly scope: string;
}

export function parseCredential(value: string): Credential | undefined {
  const parts = value.split('/');
  if (parts.length !== 5 || !parts[0] || !/^\d{8}$/.test(parts[1]) || !parts[2] || !parts[3] || parts[4] !== 'aws4_request') return undefined;
  const [accessKey, date, region, service] = parts;
  return { accessKey, date, region, service, scope: parts.slice(1).join('/') };
}

/** The derived signing key: HMAC chain of the date, region, service and `aws4_request` from `AWS4<secret>`. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** The hex signature of a string to sign (for a POST form, the base64 policy itself). */
export function signature(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two hex signatures in constant time. */
export function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** SigV4's URI encoding: every byte but the unreserved characters `A-Z a-z 0-9 - _ . ~` as `%XX`. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The query of a URL as sent, decoded pair by pair (a `+` stays a `+`, as S3 reads it). */
export function queryPairs(url: string): [string, string][] {
  const at = url.indexOf('?');
  if (at < 0) return [];
  return url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The canonical request of a presigned S3 URL: the method, the path as sent (S3
 * does not normalise or re-encode it), the query without `X-Amz-Signature`
 * (names and values URI-encoded, sorted), the signed headers with their trimmed
 * values, their names, and the payload hash (`UNSIGNED-PAYLOAD` unless the URL
 * names one).
 */
export function presignedCanonicalRequest(method: string, url: string, headers: Readonly<Record<string, string | string[] | undefined>>, signedHeaders: readonly string[]): string {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)) || '/';
  const pairs = queryPairs(url).filter(([name]) => name !== 'X-Amz-Signature');
  const query = pairs
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payload = pairs.find(([name]) => name === 'X-Amz-Content-Sha256')?.[1] ?? 'UNSIGNED-PAYLOAD';
  return [method.toUpperCase(), path, query, canonicalHeaders, signedHeaders.join(';'), payload].join('\n');
}

/** The string a SigV4 request signs: the algorithm, the request time, the scope and the canonical request's hash. */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
}

/** `yyyyMMdd'T'HHmmss'Z'` as a time, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** An ISO 8601 time without milliseconds, as S3 writes `ServerTime` and `Expires`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
