import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The local media distribution's key pair: the private half goes into the local secret, the public half into its trusted key group. */
export interface LocalSigningKey {
  readonly keyPairId: string;
  readonly privateKey: string;
  readonly publicKey: string;
}

/**
 * The key pair the local cloud signs media links with, made once per data
 * folder (RSA 2048, as CloudFront's trusted key groups take) and kept there,
 * so links handed out before a restart still open after it.
 */
export function localSigningKey(file: string): LocalSigningKey {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSigningKey;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // CloudFront public key IDs: upper-case letters and digits, starting with K.
  const keyPairId = `K${randomBytes(10).toString('hex').toUpperCase().slice(0, 13)}`;
  const key = { keyPairId, privateKey, publicKey };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  return key;
}
