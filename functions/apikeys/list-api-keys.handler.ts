import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { type Organisations, OrganisationStore } from '#functions/organisations/organisation-store';
import { listApiKeys } from '#shared/api/apikeys';
import { type ApiKeys, ApiKeyStore } from './api-key-store';
import { assertSignedIn, keyManager, toView } from './access';

export interface ListApiKeysDeps {
  readonly keys: Pick<ApiKeys, 'list'>;
  readonly organisations: Pick<Organisations, 'membership'>;
}

/** GET /v1/api-keys[?organisationId=] — the caller's live personal keys, or an organisation's (owners and admins), newest first. */
export const listApiKeysHandler = ({ keys, organisations }: ListApiKeysDeps) =>
  apiHandler(listApiKeys, async ({ query, caller }) => {
    assertSignedIn(caller);
    const holder = query.organisationId
      ? { kind: 'organisation' as const, id: (await keyManager(organisations, query.organisationId, caller)).orgId }
      : { kind: 'person' as const, id: caller.sub };
    const live = await keys.list(holder);
    // Personal keys are the caller's own; the index holds nothing else under their name, but say so.
    return { apiKeys: live.filter((key) => holder.kind === 'organisation' || (key.scope === 'person' && key.createdBy === caller.sub)).map(toView) };
  });

const table = requireEnv('Table');
export const handler = listApiKeysHandler({ keys: new ApiKeyStore(ddb(), table), organisations: new OrganisationStore(ddb(), table) });
