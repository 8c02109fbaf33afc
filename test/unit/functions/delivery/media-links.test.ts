import { createSign, generateKeyPairSync } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { CloudFrontMediaLinks, encodeKeyPath, mediaUrl, parseSigningKey, type SigningKey } from '#functions/delivery/media-links';
import { serveMedia, type MediaServer } from '../../../../infra/local/media/server';
import { cannedPolicy, decodeCloudFrontBase64, encodeCloudFrontBase64, resourceMatches, verifyCloudFrontRequest } from '../../../../infra/local/media/verify';
import { type LocalS3, startLocalS3 } from './local-s3';

const BASE = 'https://d111111abcdef8.cloudfront.net';
const KEY_ID = 'K2JCJMDEHXQW5F';
const OTHER_ID = 'K3OTHERKEYID00';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const signingKey: SigningKey = { keyPairId: KEY_ID, privateKey: pair.privateKey };
const publicKeys = { [KEY_ID]: pair.publicKey };

const NOW = new Date('2030-01-01T12:00:00Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const links = new CloudFrontMediaLinks(BASE, signingKey);

/** A URL's query parameter, as sent. */
const param = (url: string, name: string) => new URL(url).searchParams.get(name);
/** Replaces one query parameter's raw value, keeping everything else as sent. */
const withParam = (url: string, name: string, value: string) => url.replace(new RegExp(`([?&]${name}=)[^&]*`), `$1${value}`);

describe('CloudFrontMediaLinks (canned policy)', () => {
  it('signs a URL CloudFront accepts for exactly that object until it expires', () => {
    const url = links.sign('orders/o-1/headshot-1.webp', later(600));

    expect(url.split('?')[0]).toBe(`${BASE}/orders/o-1/headshot-1.webp`);
    expect([...new URL(url).searchParams.keys()].sort()).toEqual(['Expires', 'Key-Pair-Id', 'Signature']);
    expect(param(url, 'Expires')).toBe(String(NOW.getTime() / 1000 + 600));
    expect(param(url, 'Key-Pair-Id')).toBe(KEY_ID);
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toEqual({ ok: true, key: 'orders/o-1/headshot-1.webp', policy: 'canned', expiresAt: later(600) });
  });

  it('signs the canned policy JSON CloudFront rebuilds (RSA-SHA1 over the exact bytes)', () => {
    const url = links.sign('a/b.webp', later(60));
    const expires = Number(param(url, 'Expires'));
    const expected = encodeCloudFrontBase64(createSign('RSA-SHA1').update(cannedPolicy(`${BASE}/a/b.webp`, expires)).sign(pair.privateKey));

    expect(param(url, 'Signature')).toBe(expected);
  });

  it('encodes each path segment and keeps the slashes, and the stand-in maps it back to the key', () => {
    const key = 'orders/o 1/ü+&?#%.webp';
    const url = links.sign(key, later(60));

    expect(url.split('?')[0]).toBe(`${BASE}/orders/o%201/%C3%BC%2B%26%3F%23%25.webp`);
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toMatchObject({ ok: true, key });
  });

  it('refuses keys that would name another object once a client normalises the path', () => {
    for (const key of ['', '/orders/a.webp', 'orders//a.webp', 'orders/../secrets.txt', 'orders/./a.webp', 'orders/']) {
      expect(() => encodeKeyPath(key)).toThrow(/Cannot link to the object key/);
    }
  });

  it('refuses expiries CloudFront cannot read', () => {
    expect(() => links.sign('a.webp', new Date('2040-01-01T00:00:00Z'))).toThrow(/2038/);
    expect(() => links.sign('a.webp', new Date(Number.NaN))).toThrow(/invalid expiry/);
  });

  it('accepts a base URL with a path prefix or a trailing slash', () => {
    expect(mediaUrl('http://127.0.0.1:4000/media/', 'a/b.webp')).toBe('http://127.0.0.1:4000/media/a/b.webp');
    expect(() => mediaUrl('d111111abcdef8.cloudfront.net', 'a.webp')).toThrow(/absolute URL/);
    expect(() => mediaUrl(`${BASE}?x=1`, 'a.webp')).toThrow(/query/);
  });
});

describe('parseSigningKey', () => {
  it('reads the secret JSON', () => {
    expect(parseSigningKey({ keyPairId: KEY_ID, privateKey: pair.privateKey }, 'MediaKey')).toEqual(signingKey);
  });

  it('says what is missing or wrong', () => {
    expect(() => parseSigningKey({ privateKey: pair.privateKey }, 'MediaKey')).toThrow(/The secret MediaKey must hold JSON \{ "keyPairId".*keyPairId/);
    expect(() => parseSigningKey({ keyPairId: 'k-lower', privateKey: pair.privateKey }, 'MediaKey')).toThrow(/keyPairId must be the ID of the CloudFront public key/);
    expect(() => parseSigningKey({ keyPairId: KEY_ID, privateKey: pair.publicKey }, 'MediaKey')).toThrow(/privateKey must be an unencrypted RSA private key/);
    expect(() => parseSigningKey('not json', 'MediaKey')).toThrow(/MediaKey must hold JSON/);
  });

  it('refuses a PEM that does not load, or a key CloudFront cannot use', () => {
    const broken = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----';
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

    expect(() => parseSigningKey({ keyPairId: KEY_ID, privateKey: broken }, 'MediaKey')).toThrow(/does not load/);
    expect(() => parseSigningKey({ keyPairId: KEY_ID, privateKey: ec.privateKey }, 'MediaKey')).toThrow(/must be an RSA key/);
  });
});

describe('verifyCloudFrontRequest', () => {
  const customUrl = (url: string, resource: string, condition: Record<string, unknown>) =>
    getSignedUrl({ url, keyPairId: KEY_ID, privateKey: pair.privateKey, policy: JSON.stringify({ Statement: [{ Resource: resource, Condition: condition }] }) });

  it('accepts a custom policy whose Resource covers the URL with a * wildcard', () => {
    const url = customUrl(`${BASE}/orders/o-1/a.webp`, `${BASE}/orders/o-1/*`, { DateLessThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 60 } });

    expect(param(url, 'Policy')).not.toBeNull();
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toEqual({ ok: true, key: 'orders/o-1/a.webp', policy: 'custom', expiresAt: later(60) });
    // The same signature opens any object under the prefix, and only there.
    const sibling = url.replace('/orders/o-1/a.webp', '/orders/o-1/b.webp');
    const outside = url.replace('/orders/o-1/a.webp', '/orders/o-2/a.webp');
    expect(verifyCloudFrontRequest(sibling, NOW, publicKeys, BASE)).toMatchObject({ ok: true, key: 'orders/o-1/b.webp' });
    expect(verifyCloudFrontRequest(outside, NOW, publicKeys, BASE)).toMatchObject({ ok: false, code: 'AccessDenied', message: 'Access denied', reason: 'resource-mismatch' });
  });

  it('honours DateGreaterThan and DateLessThan of a custom policy', () => {
    const url = customUrl(`${BASE}/a.webp`, `${BASE}/a.webp`, { DateLessThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 60 }, DateGreaterThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 10 } });

    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toMatchObject({ ok: false, reason: 'not-yet-valid' });
    expect(verifyCloudFrontRequest(url, later(30), publicKeys, BASE)).toMatchObject({ ok: true, key: 'a.webp' });
    expect(verifyCloudFrontRequest(url, later(60), publicKeys, BASE)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('honours an IpAddress condition against the viewer address', () => {
    const url = customUrl(`${BASE}/a.webp`, `${BASE}/a.webp`, { DateLessThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 60 }, IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } });

    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE, { clientIp: '192.0.2.77' })).toMatchObject({ ok: true });
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE, { clientIp: '::ffff:192.0.2.8' })).toMatchObject({ ok: true });
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE, { clientIp: '198.51.100.1' })).toMatchObject({ ok: false, reason: 'ip-mismatch' });
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toMatchObject({ ok: false, reason: 'ip-mismatch' });
  });

  it('accepts SHA-256 signatures (Hash-Algorithm=SHA256)', () => {
    const url = getSignedUrl({ url: `${BASE}/a.webp`, keyPairId: KEY_ID, privateKey: pair.privateKey, dateLessThan: later(60), algorithm: 'SHA256' });

    expect(param(url, 'Hash-Algorithm')).toBe('SHA256');
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toMatchObject({ ok: true, key: 'a.webp' });
    expect(verifyCloudFrontRequest(url.replace('&Hash-Algorithm=SHA256', ''), NOW, publicKeys, BASE)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses an expired canned URL, at and after its Expires second', () => {
    const url = links.sign('a.webp', later(60));

    expect(verifyCloudFrontRequest(url, later(59), publicKeys, BASE)).toMatchObject({ ok: true });
    expect(verifyCloudFrontRequest(url, later(60), publicKeys, BASE)).toEqual({ ok: false, code: 'AccessDenied', message: 'Access denied', reason: 'expired' });
  });

  it('refuses a URL whose Expires was moved later (the signature covers it)', () => {
    const url = links.sign('a.webp', later(60));

    expect(verifyCloudFrontRequest(withParam(url, 'Expires', String(NOW.getTime() / 1000 + 3600)), later(120), publicKeys, BASE)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a tampered signature', () => {
    const url = links.sign('a.webp', later(60));
    const signature = param(url, 'Signature')!;
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;

    expect(verifyCloudFrontRequest(withParam(url, 'Signature', flipped), NOW, publicKeys, BASE)).toEqual({ ok: false, code: 'AccessDenied', message: 'Access denied', reason: 'bad-signature' });
  });

  it("refuses another object's path with a valid signature", () => {
    const url = links.sign('orders/o-1/a.webp', later(60));

    expect(verifyCloudFrontRequest(url.replace('/o-1/', '/o-2/'), NOW, publicKeys, BASE)).toMatchObject({ ok: false, code: 'AccessDenied' });
    // Nor on another host: the resource is the distribution's own public URL.
    expect(verifyCloudFrontRequest(url, NOW, publicKeys, 'https://d222222abcdef8.cloudfront.net')).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  it('treats query parameters as part of the signed resource: appended to a canned URL they break it, a * custom policy allows them', () => {
    const canned = links.sign('a.webp', later(60));
    const custom = customUrl(`${BASE}/a.webp`, `${BASE}/a.webp*`, { DateLessThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 60 } });

    expect(verifyCloudFrontRequest(`${canned}&download=1`, NOW, publicKeys, BASE)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyCloudFrontRequest(`${custom}&download=1`, NOW, publicKeys, BASE)).toMatchObject({ ok: true, key: 'a.webp' });
  });

  it("signs the caller's own query parameters into the resource", () => {
    const url = getSignedUrl({ url: `${BASE}/a.webp?size=large`, keyPairId: KEY_ID, privateKey: pair.privateKey, dateLessThan: later(60) });

    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toMatchObject({ ok: true, key: 'a.webp' });
    expect(verifyCloudFrontRequest(url.replace('size=large', 'size=small'), NOW, publicKeys, BASE)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a Key-Pair-Id outside the trusted key group with InvalidKey', () => {
    const url = getSignedUrl({ url: `${BASE}/a.webp`, keyPairId: OTHER_ID, privateKey: other.privateKey, dateLessThan: later(60) });

    expect(verifyCloudFrontRequest(url, NOW, publicKeys, BASE)).toEqual({ ok: false, code: 'InvalidKey', message: 'Unknown Key', reason: 'unknown-key' });
    // A trusted ID with another key's signature is a bad signature, not an unknown key.
    expect(verifyCloudFrontRequest(withParam(url, 'Key-Pair-Id', KEY_ID), NOW, publicKeys, BASE)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a URL without Key-Pair-Id with MissingKey, and one without Signature or Expires with AccessDenied', () => {
    const url = links.sign('a.webp', later(60));

    expect(verifyCloudFrontRequest(`${BASE}/a.webp`, NOW, publicKeys, BASE)).toEqual({ ok: false, code: 'MissingKey', message: 'Missing Key-Pair-Id query parameter or cookie value', reason: 'missing-key-pair-id' });
    expect(verifyCloudFrontRequest(url.replace(/&Signature=[^&]*/, ''), NOW, publicKeys, BASE)).toMatchObject({ ok: false, code: 'AccessDenied', reason: 'missing-signature' });
    expect(verifyCloudFrontRequest(url.replace(/\?Expires=[^&]*&/, '?'), NOW, publicKeys, BASE)).toMatchObject({ ok: false, code: 'AccessDenied', reason: 'missing-expiry' });
  });

  it('refuses malformed base64 in Signature, and a Policy that is not a policy with MalformedPolicy', () => {
    const url = links.sign('a.webp', later(60));

    for (const bad of ['abc+def', 'abc/def=', '%%%', 'A_B']) {
      expect(verifyCloudFrontRequest(withParam(url, 'Signature', encodeURIComponent(bad)), NOW, publicKeys, BASE)).toMatchObject({ ok: false, code: 'AccessDenied', reason: 'malformed-signature' });
    }
    for (const policy of ['!!!', encodeCloudFrontBase64('{"Statement":'), encodeCloudFrontBase64('{"Statement":[{"Resource":"x"}]}')]) {
      expect(verifyCloudFrontRequest(`${url}&Policy=${policy}`, NOW, publicKeys, BASE)).toEqual({ ok: false, code: 'MalformedPolicy', message: 'Malformed Policy', reason: 'malformed-policy' });
    }
  });

  it('maps the path under a base URL with a prefix to the key, and refuses paths outside it', () => {
    const prefixed = new CloudFrontMediaLinks('http://127.0.0.1:4000/media', signingKey);
    const url = prefixed.sign('a/b.webp', later(60));
    const path = url.slice('http://127.0.0.1:4000'.length);

    expect(verifyCloudFrontRequest(path, NOW, publicKeys, 'http://127.0.0.1:4000/media')).toMatchObject({ ok: true, key: 'a/b.webp' });
    const outside = customUrl('http://127.0.0.1:4000/other/b.webp', 'http://127.0.0.1:4000/*', { DateLessThan: { 'AWS:EpochTime': NOW.getTime() / 1000 + 60 } });
    expect(verifyCloudFrontRequest(outside, NOW, publicKeys, 'http://127.0.0.1:4000/media')).toMatchObject({ ok: false, reason: 'outside-distribution' });
  });
});

describe('CloudFront helpers', () => {
  it('round-trips the URL-safe base64 and refuses anything else', () => {
    const bytes = Buffer.from([0xff, 0xff, 0xff, 0x00, 0x01]);

    expect(encodeCloudFrontBase64(bytes)).toBe('~~~~AAE_');
    expect(decodeCloudFrontBase64('~~~~AAE_')).toEqual(bytes);
    expect(decodeCloudFrontBase64('++++AAE=')).toBeUndefined();
    expect(decodeCloudFrontBase64('~~~~AAF_')).toBeUndefined();
  });

  it('matches * and ? wildcards, and nothing else specially', () => {
    expect(resourceMatches('https://d.net/*game_download.zip*', 'https://d.net/example_game_download.zip?license=yes')).toBe(true);
    expect(resourceMatches('https://d.net/a?.webp', 'https://d.net/ab.webp')).toBe(true);
    expect(resourceMatches('https://d.net/a.webp', 'https://d.net/aXwebp')).toBe(false);
    expect(resourceMatches('http://*', 'https://d.net/a.webp')).toBe(false);
  });
});

describe('serveMedia, the local CloudFront stand-in, in front of s3rver', () => {
  const BUCKET = 'headshot-studio-outputs';
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
  let local: LocalS3;
  let media: MediaServer;
  let clock = NOW;
  const lines: string[] = [];

  beforeAll(async () => {
    local = await startLocalS3([BUCKET]);
    await local.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'orders/o 1/headshot.webp', Body: bytes, ContentType: 'image/webp' }));
    media = await serveMedia({ s3Endpoint: local.endpoint, bucket: BUCKET, publicKeys, log: (line) => lines.push(line), now: () => clock });
  });

  afterAll(async () => {
    await media?.close();
    await local?.stop();
  });

  afterEach(() => {
    clock = NOW;
  });

  const linksTo = () => new CloudFrontMediaLinks(media.publicUrl, signingKey);

  it('serves the object, byte for byte with its type and length, for a valid signed URL', async () => {
    const res = await fetch(linksTo().sign('orders/o 1/headshot.webp', later(300)));

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers HEAD and byte ranges', async () => {
    const url = linksTo().sign('orders/o 1/headshot.webp', later(300));
    const head = await fetch(url, { method: 'HEAD' });
    const range = await fetch(url, { headers: { range: 'bytes=100-199' } });

    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it("refuses an expired URL with CloudFront's 403 XML", async () => {
    const url = linksTo().sign('orders/o 1/headshot.webp', later(60));
    clock = later(61);
    const res = await fetch(url);

    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('text/xml');
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>');
    expect(lines.at(-1)).toMatch(/403 AccessDenied \(expired\)/);
  });

  it('refuses an unsigned request with MissingKey', async () => {
    const res = await fetch(`${media.url}/orders/o%201/headshot.webp`);

    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message>');
  });

  it('answers a signed URL to a missing object as S3 behind origin access control does: 403 AccessDenied', async () => {
    const res = await fetch(linksTo().sign('orders/o 1/missing.webp', later(60)));

    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await fetch(linksTo().sign('orders/o 1/headshot.webp', later(60)), { method: 'POST', body: 'x' });

    expect(res.status).toBe(403);
  });
});

describe('serveMedia with ListBucket granted', () => {
  it('answers a missing object 404 NoSuchKey', async () => {
    const local = await startLocalS3(['media-bucket']);
    const media = await serveMedia({ s3Endpoint: local.endpoint, bucket: 'media-bucket', publicKeys, listBucket: true, now: () => NOW });
    try {
      const res = await fetch(new CloudFrontMediaLinks(media.publicUrl, signingKey).sign('gone.webp', later(60)));

      expect(res.status).toBe(404);
      expect(await res.text()).toContain('<Code>NoSuchKey</Code>');
    } finally {
      await media.close();
      await local.stop();
    }
  });
});
