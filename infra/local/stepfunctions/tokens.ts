import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Task tokens. AWS tokens are opaque; SendTask* answers InvalidToken ("Provided task token is
 * malformed") for a string that is not a token at all, and TaskTimedOut for a real token whose
 * task is closed (used, timed out, or its execution ended). A local token is 32 random bytes and a
 * 16-byte check, base64url: the check tells a malformed string from a token this stand-in issued.
 */
const RANDOM_BYTES = 32;
const CHECK_BYTES = 16;
const SHAPE = /^[A-Za-z0-9_-]{64}$/;

/** A fresh task token (64 characters). */
export function mintToken(): string {
  const random = randomBytes(RANDOM_BYTES);
  return Buffer.concat([random, check(random)]).toString('base64url');
}

/** Whether `token` has the shape of a token this stand-in issues (not whether it is known). */
export function isWellFormedToken(token: string): boolean {
  if (!SHAPE.test(token)) return false;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== RANDOM_BYTES + CHECK_BYTES) return false;
  return timingSafeEqual(bytes.subarray(RANDOM_BYTES), check(bytes.subarray(0, RANDOM_BYTES)));
}

function check(random: Buffer): Buffer {
  return createHash('sha256').update('local-stepfunctions-task-token').update(random).digest().subarray(0, CHECK_BYTES);
}
