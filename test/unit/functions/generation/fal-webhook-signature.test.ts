import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { JwksKeys, MIN_REFETCH_MS, signedMessage, verifyFalWebhook, type WebhookKeys } from '#functions/generation/fal-webhook-signature';

const NOW = Date.UTC(2030, 0, 1, 12);
const body = Buffer.from(JSON.stringify({ request_id: 'req-1', status: 'OK', payload: { images: [] } }));

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, privateKey, jwk: publicKey.export({ format: 'jwk' }) };
}

/** Headers of a delivery signed as fal signs it. */
function signed(privateKey: KeyObject, over: { requestId?: string; userId?: string; timestamp?: number; raw?: Buffer } = {}) {
  const requestId = over.requestId ?? 'req-1';
  const userId = over.userId ?? 'user-7';
  const timestamp = String(over.timestamp ?? Math.floor(NOW / 1000));
  const signature = sign(null, signedMessage(requestId, userId, timestamp, over.raw ?? body), privateKey).toString('hex');
  return {
    'X-Fal-Webhook-Request-Id': requestId,
    'X-Fal-Webhook-User-Id': userId,
    'X-Fal-Webhook-Timestamp': timestamp,
    'X-Fal-Webhook-Signature': signature,
  };
}

const fixedKeys = (...keys: KeyObject[]): WebhookKeys => ({ keys: async () => keys });

describe("fal's webhook signatures", () => {
  const fal = keyPair();
  const other = keyPair();

  it('accepts a delivery signed with a key of the JWKS, whatever the case of the header names', async () => {
    const headers = Object.fromEntries(Object.entries(signed(fal.privateKey)).map(([k, v]) => [k.toLowerCase(), v]));
    await expect(verifyFalWebhook({ headers, rawBody: body }, fixedKeys(other.publicKey, fal.publicKey), NOW)).resolves.toEqual({
      ok: true,
      requestId: 'req-1',
      userId: 'user-7',
      timestamp: Math.floor(NOW / 1000),
    });
  });

  it.each([
    ['a tampered body', () => ({ headers: signed(fal.privateKey), rawBody: Buffer.from(body.toString().replace('OK', 'ERROR')) }), 'BAD_SIGNATURE'],
    ['a body re-serialised with other spacing', () => ({ headers: signed(fal.privateKey), rawBody: Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1)) }), 'BAD_SIGNATURE'],
    ['another request ID than the one signed', () => ({ headers: { ...signed(fal.privateKey), 'X-Fal-Webhook-Request-Id': 'req-2' }, rawBody: body }), 'BAD_SIGNATURE'],
    ['a key that is not fal’s', () => ({ headers: signed(other.privateKey), rawBody: body }), 'BAD_SIGNATURE'],
    ['a timestamp 301 s old', () => ({ headers: signed(fal.privateKey, { timestamp: Math.floor(NOW / 1000) - 301 }), rawBody: body }), 'STALE'],
    ['a timestamp 301 s ahead', () => ({ headers: signed(fal.privateKey, { timestamp: Math.floor(NOW / 1000) + 301 }), rawBody: body }), 'STALE'],
    ['a timestamp that is not a number', () => ({ headers: { ...signed(fal.privateKey), 'X-Fal-Webhook-Timestamp': '12e3' }, rawBody: body }), 'BAD_TIMESTAMP'],
    ['no signature header', () => ({ headers: { ...signed(fal.privateKey), 'X-Fal-Webhook-Signature': undefined }, rawBody: body }), 'MISSING_HEADER'],
    ['a signature that is not hex', () => ({ headers: { ...signed(fal.privateKey), 'X-Fal-Webhook-Signature': 'zz'.repeat(64) }, rawBody: body }), 'BAD_SIGNATURE'],
  ])('refuses %s', async (_case, delivery, reason) => {
    await expect(verifyFalWebhook(delivery(), fixedKeys(fal.publicKey), NOW)).resolves.toEqual({ ok: false, reason });
  });

  it('accepts the edge of the window, 300 s either way', async () => {
    for (const skew of [-300, 300]) {
      const verdict = await verifyFalWebhook({ headers: signed(fal.privateKey, { timestamp: Math.floor(NOW / 1000) + skew }), rawBody: body }, fixedKeys(fal.publicKey), NOW);
      expect(verdict.ok).toBe(true);
    }
  });

  describe('the JWKS cache', () => {
    /** A JWKS endpoint whose keys the test changes, counting fetches. */
    const endpoint = () => {
      const state = { keys: [fal.jwk] as unknown[], fetches: 0, status: 200 };
      const fetchImpl = (async () => {
        state.fetches += 1;
        return new Response(JSON.stringify({ keys: state.keys }), { status: state.status });
      }) as unknown as typeof fetch;
      return { state, fetchImpl };
    };

    it('fetches once and serves from the cache', async () => {
      const { state, fetchImpl } = endpoint();
      const keys = new JwksKeys('https://jwks.test', fetchImpl, () => NOW);
      for (let i = 0; i < 3; i++) expect((await verifyFalWebhook({ headers: signed(fal.privateKey), rawBody: body }, keys, NOW)).ok).toBe(true);
      expect(state.fetches).toBe(1);
    });

    it('refetches when fal rotates its key, but at most once a minute for failing signatures', async () => {
      let now = NOW;
      const { state, fetchImpl } = endpoint();
      const keys = new JwksKeys('https://jwks.test', fetchImpl, () => now);
      await keys.keys();
      const rotated = keyPair();
      state.keys = [rotated.jwk];
      now += MIN_REFETCH_MS;
      expect((await verifyFalWebhook({ headers: signed(rotated.privateKey), rawBody: body }, keys, NOW)).ok).toBe(true);
      expect(state.fetches).toBe(2);
      // Forged deliveries right after do not make it fetch again.
      for (let i = 0; i < 5; i++) expect((await verifyFalWebhook({ headers: signed(other.privateKey), rawBody: body }, keys, NOW)).ok).toBe(false);
      expect(state.fetches).toBe(2);
    });

    it('skips keys of other kinds and keeps the last good keys when the endpoint fails', async () => {
      let now = NOW;
      const { state, fetchImpl } = endpoint();
      state.keys = [{ kty: 'RSA', n: 'x', e: 'AQAB' }, { kty: 'OKP', crv: 'Ed25519', x: '%%%' }, fal.jwk];
      const keys = new JwksKeys('https://jwks.test', fetchImpl, () => now);
      expect(await keys.keys()).toHaveLength(1);
      state.status = 503;
      now += 13 * 60 * 60 * 1000;
      expect(await keys.keys()).toHaveLength(1);
      expect((await verifyFalWebhook({ headers: signed(fal.privateKey), rawBody: body }, keys, NOW)).ok).toBe(true);
    });

    it('refuses every delivery while no key was ever fetched', async () => {
      const { state, fetchImpl } = endpoint();
      state.status = 500;
      const keys = new JwksKeys('https://jwks.test', fetchImpl, () => NOW);
      await expect(verifyFalWebhook({ headers: signed(fal.privateKey), rawBody: body }, keys, NOW)).resolves.toEqual({ ok: false, reason: 'NO_KEYS' });
    });
  });
});
