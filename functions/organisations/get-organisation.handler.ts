import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { getOrganisation } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { memberView, organisationNotFound } from './views';

export interface GetOrganisationDeps {
  readonly organisations: Pick<Organisations, 'get' | 'membership' | 'members'>;
  readonly ledger: Pick<Ledger, 'get'>;
}

/** GET /v1/organisations/{orgId} — for its members: who is in it, in which role, and the shared wallet's balance. */
export const getOrganisationHandler = ({ organisations, ledger }: GetOrganisationDeps) =>
  apiHandler(getOrganisation, async ({ params, caller }) => {
    const [org, me] = await Promise.all([organisations.get(params.orgId), organisations.membership(params.orgId, caller.sub)]);
    if (!org || !me) throw organisationNotFound();
    const [members, wallet] = await Promise.all([organisations.members(org.orgId), ledger.get(org.walletId)]);
    return {
      orgId: org.orgId,
      name: org.name,
      createdAt: org.createdAt,
      role: me.role,
      memberCount: members.length,
      members: members.map(memberView),
      wallet: { walletId: org.walletId, balance: wallet?.balance ?? 0, reserved: wallet?.reserved ?? 0 },
    };
  });

export const handler = getOrganisationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')), ledger: new LedgerStore(ddb(), requireEnv('Table')) });
