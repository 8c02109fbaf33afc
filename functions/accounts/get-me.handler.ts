import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { personalWalletId } from '#functions/wallets/access';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { getMe } from '#shared/api/accounts';
import { SIGNUP_GRANT_CREDITS } from '#shared/wallets';
import { UserDirectory } from './user-directory';

export interface GetMeDeps {
  readonly directory: Pick<UserDirectory, 'profile'>;
  readonly ledger: Pick<Ledger, 'openPersonal'>;
}

/**
 * GET /v1/me — who is signed in, their e-mail, their groups and the wallets
 * they may use. The first call opens their personal wallet with the sign-up
 * credits, granted once per e-mail address.
 */
export const getMeHandler = ({ directory, ledger }: GetMeDeps) =>
  apiHandler(getMe, async ({ caller }) => {
    const profile = await directory.profile(caller.sub);
    const wallet = await ledger.openPersonal(personalWalletId(caller.sub), caller.sub, profile?.email, SIGNUP_GRANT_CREDITS);
    return {
      sub: caller.sub,
      email: profile?.email,
      groups: [...caller.groups],
      wallets: [{ walletId: wallet.walletId, kind: 'person' as const, name: 'Personal', balance: wallet.balance }],
    };
  });

export const handler = getMeHandler({ directory: new UserDirectory(cognitoClient(), requireEnv('UserPool')), ledger: new LedgerStore(ddb(), requireEnv('Table')) });
