import * as z from './validation';
import { hasControlCharacters } from './validation';
import { ORGANISATION_ROLES } from './organisations';

/**
 * API keys: long-lived credentials for automation, accepted on the public v1
 * API in place of a Cognito token (`Authorization: Bearer hsk_…`).
 *
 * - A key is `hsk_<keyId>_<secret>`: `keyId` is 12 random bytes in hex (24
 *   characters, shown in lists), `secret` 32 random bytes in base64url (43
 *   characters). The full key is shown once, when it is created; the table
 *   keeps only the SHA-256 of the secret.
 * - A key is personal (it acts as its creator) or belongs to an organisation
 *   (it acts as its creator, paying from the organisation's wallet by
 *   default); only the organisation's owners and admins create, list and
 *   revoke its keys, and a key stops working when its creator is no longer an
 *   owner or admin there.
 * - A key never carries the `admins` or `artists` groups: the console is for
 *   signed-in people. A request made with a key may not manage keys.
 * - Every caller is held to a number of requests a minute: a key to its own
 *   limit, a signed-in person to {@link DEFAULT_RATE_LIMIT_PER_MINUTE}.
 */

/** Requests a minute a caller may make unless their key says otherwise. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 100;
/** The most a key may be given. */
export const MAX_RATE_LIMIT_PER_MINUTE = 10_000;
/** Live keys one person, or one organisation, may hold. */
export const MAX_API_KEYS = 20;

export const API_KEY_PREFIX = 'hsk_';
/** `hsk_<24 hex>_<43 base64url>` */
export const API_KEY_PATTERN = /^hsk_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_ID_PATTERN = /^[0-9a-f]{24}$/;

export const API_KEY_SCOPES = ['person', 'organisation'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const apiKeyNameSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'Give the key a name, such as "Nightly export"'),
    z.maxLength(60, 'Keep the name under 60 characters'),
    z.refine((value) => !hasControlCharacters(value), 'The name contains control characters; type it again as plain text'),
  );

export const createApiKeySchema = z.strictObject({
  name: apiKeyNameSchema,
  /** The organisation the key belongs to; a personal key without it. */
  organisationId: z.optional(z.uuid({ error: 'organisationId must be the ID of one of your organisations' })),
  rateLimitPerMinute: z.optional(
    z
      .number({ error: 'rateLimitPerMinute must be a whole number' })
      .check(
        z.int('rateLimitPerMinute must be a whole number'),
        z.minimum(1, 'rateLimitPerMinute must be at least 1'),
        z.maximum(MAX_RATE_LIMIT_PER_MINUTE, `rateLimitPerMinute may be at most ${MAX_RATE_LIMIT_PER_MINUTE}`),
      ),
  ),
});
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;

/** A key as its holders see it: never its secret. */
export const apiKeyViewSchema = z.object({
  keyId: z.string(),
  name: z.string(),
  /** The start of the key (`hsk_<keyId>`), to recognise it by. */
  prefix: z.string(),
  scope: z.enum(API_KEY_SCOPES),
  organisationId: z.optional(z.string()),
  /** The creator's role in the organisation when the key was created (organisation keys). */
  role: z.optional(z.enum(ORGANISATION_ROLES)),
  rateLimitPerMinute: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type ApiKeyView = z.output<typeof apiKeyViewSchema>;

/** What creating a key answers: the whole key, this once, and its view. */
export const createdApiKeySchema = z.object({ key: z.string(), apiKey: apiKeyViewSchema });
export type CreatedApiKey = z.output<typeof createdApiKeySchema>;

/** `hsk_<keyId>_<secret>` → its parts, or undefined when it is not shaped like a key. */
export function parseApiKey(key: string): { readonly keyId: string; readonly secret: string } | undefined {
  const m = API_KEY_PATTERN.exec(key);
  return m ? { keyId: m[1], secret: m[2] } : undefined;
}
