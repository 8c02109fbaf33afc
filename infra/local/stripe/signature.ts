import { createHmac, randomBytes } from 'node:crypto';

/**
 * The `Stripe-Signature` header Stripe sends with every webhook delivery (docs.stripe.com/webhooks,
 * "Verify signatures manually"): `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the
 * endpoint's secret>`. Each attempt is signed afresh, with the time of that attempt. stripe-node's
 * `webhooks.constructEvent(body, header, secret)` checks it, refusing timestamps older than 300 s.
 */
export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base-62 string, as Stripe's IDs and secrets are made of. */
export function randomId(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    // 248 = 4 × 62: reject the top values so every character is equally likely.
    if (bytes[i] < 248) out += ALPHANUMERIC[bytes[i] % 62];
  }
  return out.length === length ? out : out + randomId(length - out.length);
}

/** A webhook endpoint secret, shaped as Stripe's (`whsec_` and 32 random characters). */
export function webhookSecret(): string {
  return `whsec_${randomId(32)}`;
}

/** A secret test-mode API key, shaped as Stripe's (`sk_test_` and random characters). */
export function testSecretKey(): string {
  return `sk_test_${randomId(40)}`;
}
