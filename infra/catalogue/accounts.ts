import { getMe } from '../../shared/api/accounts';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** People and their profiles. */
export const accounts: DomainSpec = {
  id: 'accounts',
  description: 'People and their profiles',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'GetMe',
      entry: 'functions/accounts/get-me.handler.ts',
      description: 'Returns the signed-in person, their e-mail (from the user pool), their groups and wallets, opening their wallet with the sign-up credits',
      grants: { UserPool: 'readUsers', Table: 'readWrite' },
    },
  ],
  routes: [serve(getMe, 'GetMe')],
  stateMachines: [],
};
