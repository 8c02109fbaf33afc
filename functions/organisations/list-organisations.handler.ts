import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { listOrganisations } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';

/** GET /v1/organisations — the organisations the caller belongs to, with their role in each. */
export const listOrganisationsHandler = ({ organisations }: { readonly organisations: Pick<Organisations, 'organisationsOf'> }) =>
  apiHandler(listOrganisations, async ({ caller }) => ({ organisations: await organisations.organisationsOf(caller.sub) }));

export const handler = listOrganisationsHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
