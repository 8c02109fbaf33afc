import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { personalWalletId } from '#functions/wallets/access';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { type Organisations, OrganisationStore } from '#functions/organisations/organisation-store';
import { getMe } from '#shared/api/accounts';
import { SIGNUP_GRANT_CREDITS } from '#shared/wallets';
import { UserDirectory } from './user-directory';

export interface GetMeDeps {
  readonly directory: Pick<UserDirectory, 'profile'>;
  readonly ledger: Pick<Ledger, 'openPersonal' | 'get'>;
  readonly organisations: Pick<Organisations, 'organisationsOf'>;
}

/**
 * GET /v1/me — who is signed in, their e-mail, their groups and the wallets
 * they may use: their personal wallet first, then the wallet of every
 * organisation they belong to (any role may spend from it), by organisation
 * name. The first call opens their personal wallet with the sign-up credits,
 * granted once per e-mail address.
 */
export const getMeHandler = ({ directory, ledger, organisations }: GetMeDeps) =>
  apiHandler(getMe, async ({ caller }) => {
    const [profile, memberships] = await Promise.all([directory.profile(caller.sub), organisations.organisationsOf(caller.sub)]);
    const wallet = await ledger.openPersonal(personalWalletId(caller.sub), caller.sub, profile?.email, SIGNUP_GRANT_CREDITS);
    const shared = await Promise.all(memberships.map(async (org) => ({ org, wallet: await ledger.get(org.walletId) })));
    return {
      sub: caller.sub,
      email: profile?.email,
      groups: [...caller.groups],
      wallets: [
        { walletId: wallet.walletId, kind: 'person' as const, name: 'Personal', balance: wallet.balance },
        // Every organisation's wallet is opened before the organisation; a missing one would have nothing to spend.
        ...shared.flatMap(({ org, wallet: w }) => (w ? [{ walletId: w.walletId, kind: 'organisation' as const, name: org.name, balance: w.balance }] : [])),
      ],
    };
  });

export const handler = getMeHandler({
  directory: new UserDirectory(cognitoClient(), requireEnv('UserPool')),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  organisations: new OrganisationStore(ddb(), requireEnv('Table')),
});
