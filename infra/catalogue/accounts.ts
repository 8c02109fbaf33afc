import { deleteMe, getMe } from '../../shared/api/accounts';
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
    {
      ...API_DEFAULTS,
      id: 'DeleteMe',
      entry: 'functions/accounts/delete-me.handler.ts',
      description: 'Deletes the signed-in account from the user pool, unless orders are in progress or it belongs to an organisation',
      grants: { UserPool: 'deleteUsers', Table: 'read' },
    },
  ],
  routes: [serve(getMe, 'GetMe'), serve(deleteMe, 'DeleteMe')],
  stateMachines: [],
};
