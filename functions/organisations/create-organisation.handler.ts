import { randomUUID } from 'node:crypto';
import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { organisationWalletId } from '#functions/wallets/access';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { createOrganisation } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { type People, UserPoolPeople } from './people';

export interface CreateOrganisationDeps {
  readonly organisations: Pick<Organisations, 'create'>;
  readonly ledger: Pick<Ledger, 'open'>;
  readonly people: People;
  readonly newId?: () => string;
}

/**
 * POST /v1/organisations — a new organisation with the caller as its owner
 * and an empty shared wallet. The wallet is opened first (idempotently, under
 * the new ID), then the organisation and the membership in one transaction: a
 * failure in between leaves at most an empty wallet nobody can reach.
 */
export const createOrganisationHandler = ({ organisations, ledger, people, newId = randomUUID }: CreateOrganisationDeps) =>
  apiHandler(createOrganisation, async ({ body, caller }) => {
    const orgId = newId();
    const walletId = organisationWalletId(orgId);
    const person = await people.email(caller.sub);
    await ledger.open(walletId, { kind: 'organisation', id: orgId });
    const org = await organisations.create({ orgId, name: body.name, walletId, owner: { sub: caller.sub, ...(person?.email && { email: person.email }) } });
    logger.info('Organisation created', { orgId, owner: caller.sub });
    return { orgId, name: org.name, role: 'owner' as const, walletId, joinedAt: org.createdAt };
  });

export const handler = createOrganisationHandler({
  organisations: new OrganisationStore(ddb(), requireEnv('Table')),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  people: new UserPoolPeople(cognitoClient(), requireEnv('UserPool')),
});
