import { createOrder, discardOrder, getOrder, listOrders } from '../../shared/api/orders';
import { API_DEFAULTS, PIPELINE_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** Customers place orders and follow them; the order pipeline runs up to the confirmation gate. */
export const orders: DomainSpec = {
  id: 'orders',
  description: 'Orders and the order pipeline',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'CreateOrder',
      entry: 'functions/orders/create-order.handler.ts',
      description: 'Starts a draft order for styles of one studio',
      grants: { Table: 'readWrite' },
    },
    {
      ...API_DEFAULTS,
      id: 'ListOrders',
      entry: 'functions/orders/list-orders.handler.ts',
      description: "Lists the signed-in customer's orders, newest first, a page at a time",
      grants: { Table: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'GetOrder',
      entry: 'functions/orders/get-order.handler.ts',
      description: 'Returns one order with its timeline, photos, style plans and pipeline execution status',
      grants: { Table: 'read', UploadsBucket: 'read', OrderPipeline: ['describe'] },
    },
    {
      ...API_DEFAULTS,
      id: 'DiscardOrder',
      entry: 'functions/orders/discard-order.handler.ts',
      description: "Discards a customer's order that has not gone to the studio: deletes its selfies, releases credits it held, frees its place",
      grants: { Table: 'readWrite', UploadsBucket: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'CheckPhotos',
      entry: 'functions/orders/check-photos.handler.ts',
      description: "Waits for a submitted order's photos to be checked, then sends it on, or back for new photos with an e-mail to the customer",
      grants: { Table: 'readWrite', UploadsBucket: 'readWrite', Mail: 'send', UserPool: 'readUsers', Site: 'link' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'PlanStyle',
      entry: 'functions/orders/plan-style.handler.ts',
      description: 'Plans the images and generation batches for one style of an order',
      grants: { Table: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'AwaitConfirmation',
      entry: 'functions/orders/await-confirmation.handler.ts',
      description: 'Parks an order at the admin confirmation gate, storing its task token',
      grants: { Table: 'readWrite' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'CompleteOrder',
      entry: 'functions/orders/complete-order.handler.ts',
      description: 'Records the confirmed order, spends its credits, writes its summary, starts its production (the generation pipeline) and e-mails the customer',
      grants: { Table: 'readWrite', OutputsBucket: 'readWrite', GenerationPipeline: ['start'], Mail: 'send', UserPool: 'readUsers', Site: 'link' },
    },
    {
      ...PIPELINE_DEFAULTS,
      id: 'FailOrder',
      entry: 'functions/orders/fail-order.handler.ts',
      description: 'Marks an order rejected, expired or failed, with a reason the customer can read, gives its credits back and e-mails the customer',
      grants: { Table: 'readWrite', Mail: 'send', UserPool: 'readUsers', Site: 'link' },
    },
  ],
  routes: [serve(createOrder, 'CreateOrder'), serve(listOrders, 'ListOrders'), serve(getOrder, 'GetOrder'), serve(discardOrder, 'DiscardOrder')],
  stateMachines: [
    {
      id: 'OrderPipeline',
      definitionFile: 'statemachines/order-pipeline.asl.json',
      functionArns: {
        CheckPhotosFunctionArn: 'CheckPhotos',
        PlanStyleFunctionArn: 'PlanStyle',
        AwaitConfirmationFunctionArn: 'AwaitConfirmation',
        CompleteOrderFunctionArn: 'CompleteOrder',
        FailOrderFunctionArn: 'FailOrder',
      },
      // The confirmation gate (7 days) dominates it.
      timeoutSeconds: 8 * 24 * 3600,
    },
  ],
};
