import { createCheckout, handleStripeWebhook, listCreditPackages } from '../../shared/api/billing';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/**
 * Buying credits: the packages on sale, a Stripe Checkout Session per purchase,
 * and Stripe's webhook, which credits the wallet once per paid session.
 */
export const billing: DomainSpec = {
  id: 'billing',
  description: 'Credit packages, Stripe Checkout and the Stripe webhook that credits wallets',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'ListCreditPackages',
      entry: 'functions/billing/list-credit-packages.handler.ts',
      description: 'Lists the credit packages on sale, with their prices',
      grants: {},
    },
    {
      ...API_DEFAULTS,
      id: 'CreateCheckout',
      entry: 'functions/billing/create-checkout.handler.ts',
      description: 'Creates a Stripe Checkout Session for a credit package and a wallet the caller may use',
      // Stripe's API answers within a few seconds; the SDK retries twice.
      timeoutSeconds: 20,
      grants: { Table: 'read', StripeSecret: 'read' },
    },
    {
      ...API_DEFAULTS,
      id: 'HandleStripeWebhook',
      entry: 'functions/billing/handle-stripe-webhook.handler.ts',
      description: "Verifies Stripe's webhook events and credits the wallet once per paid Checkout Session",
      grants: { Table: 'readWrite', StripeSecret: 'read' },
    },
  ],
  routes: [serve(listCreditPackages, 'ListCreditPackages'), serve(createCheckout, 'CreateCheckout'), serve(handleStripeWebhook, 'HandleStripeWebhook')],
  stateMachines: [],
};
