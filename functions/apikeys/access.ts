import type { Caller } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import type { MemberRecord, Organisations } from '#functions/organisations/organisation-store';
import type { ApiKeyView } from '#shared/apikeys';
import type { ApiKeyRecord, ApiKeys } from './api-key-store';
import { keyPrefix } from './keys';

/** A request made with an API key may not manage keys: a leaked key cannot mint more or hide itself. */
export function assertSignedIn(caller: Caller): void {
  if (caller.apiKey) throw new ApiError('API_KEY_NOT_ALLOWED', 'API keys cannot manage API keys. Sign in to create, list or revoke them.');
}

/**
 * The caller's membership of an organisation whose keys they manage: owners
 * and admins. Anyone outside it gets 404 (they may not know it exists), a
 * member 403.
 */
export async function keyManager(organisations: Pick<Organisations, 'membership'>, orgId: string, caller: Caller): Promise<MemberRecord> {
  const membership = await organisations.membership(orgId, caller.sub);
  if (!membership) throw new ApiError('ORGANISATION_NOT_FOUND', 'No such organisation.');
  if (membership.role !== 'owner' && membership.role !== 'admin') {
    throw new ApiError('ORGANISATION_ADMIN_REQUIRED', "Only the organisation's owners and admins may manage its API keys.");
  }
  return membership;
}

/** A live key the caller may revoke: their own personal key, or a key of an organisation they own or administer; anything else is 404. */
export async function manageableKey(deps: { readonly keys: Pick<ApiKeys, 'get'>; readonly organisations: Pick<Organisations, 'membership'> }, keyId: string, caller: Caller): Promise<ApiKeyRecord> {
  const notFound = () => new ApiError('API_KEY_NOT_FOUND', 'No live API key with this ID is yours to manage.');
  const key = await deps.keys.get(keyId);
  if (!key || key.revokedAt) throw notFound();
  if (key.scope === 'person') {
    if (key.createdBy !== caller.sub) throw notFound();
    return key;
  }
  const membership = key.organisationId ? await deps.organisations.membership(key.organisationId, caller.sub) : undefined;
  if (!membership || (membership.role !== 'owner' && membership.role !== 'admin')) throw notFound();
  return key;
}

/** A key as its holders see it: never its secret or the secret's hash. */
export function toView(key: ApiKeyRecord): ApiKeyView {
  return {
    keyId: key.keyId,
    name: key.name,
    prefix: keyPrefix(key.keyId),
    scope: key.scope,
    ...(key.organisationId && { organisationId: key.organisationId }),
    ...(key.role && { role: key.role }),
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: key.createdAt,
    createdBy: key.createdBy,
  };
}
