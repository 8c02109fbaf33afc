import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { type Organisations, OrganisationStore } from '#functions/organisations/organisation-store';
import { createApiKey } from '#shared/api/apikeys';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '#shared/apikeys';
import { ApiKeyError, type ApiKeys, ApiKeyStore } from './api-key-store';
import { assertSignedIn, keyManager, toView } from './access';
import { newApiKey } from './keys';

export interface CreateApiKeyDeps {
  readonly keys: Pick<ApiKeys, 'create'>;
  readonly organisations: Pick<Organisations, 'membership'>;
  readonly generate?: typeof newApiKey;
}

/**
 * POST /v1/api-keys — a new key, personal or (with `organisationId`) of an
 * organisation the caller owns or administers, carrying their role there.
 * The answer holds the whole key; only its hash is kept, so it is never shown again.
 */
export const createApiKeyHandler = ({ keys, organisations, generate = newApiKey }: CreateApiKeyDeps) =>
  apiHandler(createApiKey, async ({ body, caller }) => {
    assertSignedIn(caller);
    const membership = body.organisationId ? await keyManager(organisations, body.organisationId, caller) : undefined;
    const { key, keyId, secretHash } = generate();
    const record = await keys
      .create({
        keyId,
        name: body.name,
        secretHash,
        scope: membership ? 'organisation' : 'person',
        ...(membership && { organisationId: membership.orgId, role: membership.role }),
        rateLimitPerMinute: body.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
        createdBy: caller.sub,
      })
      .catch((error: unknown) => {
        if (error instanceof ApiKeyError) throw new ApiError(error.reason, error.message);
        throw error;
      });
    logger.info('API key created', { keyId, scope: record.scope, organisationId: record.organisationId });
    return { key, apiKey: toView(record) };
  });

const table = requireEnv('Table');
export const handler = createApiKeyHandler({ keys: new ApiKeyStore(ddb(), table), organisations: new OrganisationStore(ddb(), table) });
