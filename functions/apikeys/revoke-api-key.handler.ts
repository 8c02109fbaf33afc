import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { type Organisations, OrganisationStore } from '#functions/organisations/organisation-store';
import { revokeApiKey } from '#shared/api/apikeys';
import { ApiKeyError, type ApiKeys, ApiKeyStore } from './api-key-store';
import { assertSignedIn, manageableKey } from './access';

export interface RevokeApiKeyDeps {
  readonly keys: Pick<ApiKeys, 'get' | 'revoke'>;
  readonly organisations: Pick<Organisations, 'membership'>;
}

/**
 * DELETE /v1/api-keys/{keyId} — revokes a key the caller manages. The
 * authorizer refuses it from then on; a result API Gateway cached for its
 * identity source may still let it through for up to the cache time (300 s).
 */
export const revokeApiKeyHandler = (deps: RevokeApiKeyDeps) =>
  apiHandler(revokeApiKey, async ({ params, caller }) => {
    assertSignedIn(caller);
    const key = await manageableKey(deps, params.keyId, caller);
    await deps.keys.revoke(key.keyId, caller.sub).catch((error: unknown) => {
      if (error instanceof ApiKeyError) throw new ApiError(error.reason, error.message);
      throw error;
    });
    logger.info('API key revoked', { keyId: key.keyId, scope: key.scope });
    return { keyId: key.keyId, revoked: true as const };
  });

const table = requireEnv('Table');
export const handler = revokeApiKeyHandler({ keys: new ApiKeyStore(ddb(), table), organisations: new OrganisationStore(ddb(), table) });
