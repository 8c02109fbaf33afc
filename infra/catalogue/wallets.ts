import { adjustWallet, getWallet, listWalletEntries } from '../../shared/api/wallets';
import { API_DEFAULTS, PIPELINE_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/**
 * Credit wallets and their ledger. `SweepReservations` releases holds that
 * outlive their order; it runs hourly (an EventBridge schedule on AWS, a timer
 * on the local cloud).
 */
export const wallets: DomainSpec = {
  id: 'wallets',
  description: 'Credit wallets, their ledger and the sweeper of reservations',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'GetWallet',
      entry: 'functions/wallets/get-wallet.handler.ts',
      description: "Returns a wallet the caller may use: its balance and the credits orders hold",
      grants: { Table: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'ListWalletEntries',
      entry: 'functions/wallets/list-wallet-entries.handler.ts',
      description: "Lists a wallet's ledger entries, newest first",
      grants: { Table: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'AdjustWallet',
      entry: 'functions/wallets/adjust-wallet.handler.ts',
      description: "Records an admin's adjustment of a wallet, with the reason, in the balance's transaction",
      grants: { Table: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'SweepReservations',
      entry: 'functions/wallets/sweep-reservations.handler.ts',
      description: 'Releases credit reservations whose order is no longer open',
      timeoutSeconds: 300,
      grants: { Table: 'readWrite' },
    },
  ],
  routes: [serve(getWallet, 'GetWallet'), serve(listWalletEntries, 'ListWalletEntries'), serve(adjustWallet, 'AdjustWallet')],
  stateMachines: [],
  schedules: [{ functionId: 'SweepReservations', everyMinutes: 60 }],
};
