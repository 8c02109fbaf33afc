import { API_KEY_ID_PATTERN, apiKeyViewSchema, createApiKeySchema, createdApiKeySchema } from '../apikeys';
import * as z from '../validation';
import { defineRoute } from './contract';

/*
 * API keys for automation. A personal key is its creator's to manage; an
 * organisation's keys are its owners' and admins'. Anyone else gets 404
 * (ORGANISATION_NOT_FOUND for an organisation they do not belong to,
 * API_KEY_NOT_FOUND for a key that is not theirs to manage). Keys themselves
 * may not manage keys (403 API_KEY_NOT_ALLOWED): a leaked key cannot mint more.
 */

export const apiKeyParams = z.strictObject({
  keyId: z.string().check(z.regex(API_KEY_ID_PATTERN, 'The key ID in the path is not a valid key ID (24 hexadecimal characters).')),
});

export const createApiKey = defineRoute({
  operationId: 'createApiKey',
  method: 'POST',
  path: '/v1/api-keys',
  auth: 'user',
  tag: 'apikeys',
  summary: 'Create an API key; the answer shows the whole key, this once',
  description:
    'A personal key, or with `organisationId` a key of an organisation the caller owns or administers, carrying their role. Send it as `Authorization: Bearer hsk_…`. `rateLimitPerMinute` (default 100) caps the requests it may make each minute.',
  body: createApiKeySchema,
  status: 201,
  response: createdApiKeySchema,
  errors: ['API_KEY_NOT_ALLOWED', 'ORGANISATION_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED', 'TOO_MANY_API_KEYS'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

export const listApiKeys = defineRoute({
  operationId: 'listApiKeys',
  method: 'GET',
  path: '/v1/api-keys',
  auth: 'user',
  tag: 'apikeys',
  summary: "The caller's live personal keys, or with `organisationId` an organisation's (owners and admins)",
  query: z.strictObject({ organisationId: z.optional(z.uuid({ error: 'organisationId must be the ID of one of your organisations' })) }),
  status: 200,
  response: z.object({ apiKeys: z.array(apiKeyViewSchema) }),
  errors: ['API_KEY_NOT_ALLOWED', 'ORGANISATION_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED'],
});

export const revokeApiKey = defineRoute({
  operationId: 'revokeApiKey',
  method: 'DELETE',
  path: '/v1/api-keys/{keyId}',
  auth: 'user',
  tag: 'apikeys',
  summary: 'Revoke an API key: it stops working within the authorizer cache time (5 minutes)',
  params: apiKeyParams,
  status: 200,
  response: z.object({ keyId: z.string(), revoked: z.literal(true) }),
  errors: ['API_KEY_NOT_ALLOWED', 'API_KEY_NOT_FOUND'],
});
