import { decideOrder, listOrderQueue } from '../../shared/api/admin';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** The admin console: the confirmation queue and the gate's decisions. */
export const admin: DomainSpec = {
  id: 'admin',
  description: 'Admin console: confirmation queue and decisions',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'ListOrderQueue',
      entry: 'functions/admin/list-order-queue.handler.ts',
      description: "Lists orders in one status for the admin console (default: waiting for confirmation), a page at a time, with each customer's e-mail",
      grants: { Table: 'read', UserPool: 'readUsers' },
    },
    {
      ...API_DEFAULTS,
      id: 'DecideOrder',
      entry: 'functions/admin/decide-order.handler.ts',
      description: 'Admin confirms or rejects an order, resuming its pipeline through the task token',
      grants: { Table: 'readWrite', OrderPipeline: ['taskResponse'] },
    },
  ],
  routes: [serve(listOrderQueue, 'ListOrderQueue'), serve(decideOrder, 'DecideOrder')],
  stateMachines: [],
};
