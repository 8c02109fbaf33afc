import { apiHandler } from '#lib/api-handler';
import { cognitoClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { getMe } from '#shared/api/accounts';
import { UserDirectory } from './user-directory';

/** GET /v1/me — who is signed in, their e-mail and their groups. */
export const getMeHandler = ({ directory }: { readonly directory: Pick<UserDirectory, 'profile'> }) =>
  apiHandler(getMe, async ({ caller }) => {
    const profile = await directory.profile(caller.sub);
    return { sub: caller.sub, email: profile?.email, groups: [...caller.groups] };
  });

export const handler = getMeHandler({ directory: new UserDirectory(cognitoClient(), requireEnv('UserPool')) });
