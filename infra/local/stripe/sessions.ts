import { invalidEmpty, invalidInteger, invalidParam, missingParam, resourceMissing, StripeApiError, unknownParam } from './errors';
import type { FormObject, FormValue } from './form';
import { randomId } from './signature';
import type { CheckoutSessionObject, LineItem, SessionRecord } from './store';

/** Checkout Sessions live 24 hours unless `expires_at` says otherwise, which must be 30 minutes to 24 hours away. */
export const DEFAULT_LIFETIME_SECONDS = 24 * 60 * 60;
export const MIN_LIFETIME_SECONDS = 30 * 60;

/** Currencies without a minor unit (amounts are whole units), from Stripe's currency list. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** The create parameters the stand-in models; anything else is refused as Stripe refuses unknown ones. */
const CREATE_PARAMS = new Set([
  'mode',
  'line_items',
  'success_url',
  'cancel_url',
  'client_reference_id',
  'metadata',
  'customer_email',
  'payment_method_types',
  'expires_at',
  'locale',
  'expand',
]);
const NOT_MODELLED = ' (the local Stripe stand-in models only the Checkout Session parameters the studio sends; add it in infra/local/stripe/sessions.ts)';

export function isZeroDecimal(currency: string): boolean {
  return ZERO_DECIMAL.has(currency.toLowerCase());
}

/** Builds an open Checkout Session from `POST /v1/checkout/sessions` parameters, or throws Stripe's 400. */
export function createSession(params: FormObject, options: { payUrl: (id: string) => string; apiVersion: string; now?: number }): SessionRecord {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  for (const key of Object.keys(params)) if (!CREATE_PARAMS.has(key)) throw unknownParam(key, NOT_MODELLED);

  const mode = requiredString(params, 'mode');
  if (!['payment', 'setup', 'subscription'].includes(mode)) {
    throw invalidParam('mode', `Invalid mode: must be one of payment, setup, or subscription`);
  }
  if (mode !== 'payment') throw invalidParam('mode', `The local Stripe stand-in supports only mode=payment, not ${mode}.`);

  const successUrl = optionalUrl(params, 'success_url');
  const cancelUrl = optionalUrl(params, 'cancel_url');
  const clientReferenceId = optionalString(params, 'client_reference_id');
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw invalidParam('client_reference_id', 'Invalid string: client_reference_id must be at most 200 characters', 'string_length_exceeded');
  }
  const customerEmail = optionalString(params, 'customer_email');
  if (customerEmail !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(customerEmail)) throw invalidParam('customer_email', `Invalid email address: ${customerEmail}`, 'email_invalid');
  const locale = optionalString(params, 'locale');
  const metadata = readMetadata(params.metadata, 'metadata');
  const paymentMethodTypes = readStringArray(params.payment_method_types, 'payment_method_types') ?? ['card'];

  let expiresAt = now + DEFAULT_LIFETIME_SECONDS;
  if (params.expires_at !== undefined) {
    expiresAt = integer(params.expires_at, 'expires_at');
    if (expiresAt < now + MIN_LIFETIME_SECONDS || expiresAt > now + DEFAULT_LIFETIME_SECONDS) {
      throw invalidParam('expires_at', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.');
    }
  }

  const id = `cs_test_${randomId(58)}`;
  const lineItems = readLineItems(params.line_items);
  const currency = lineItems[0].currency;
  if (lineItems.some((item) => item.currency !== currency)) {
    throw invalidParam('line_items', 'All line items must have the same currency (the stand-in does not convert currencies).');
  }
  const amountTotal = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  if (currency === 'usd' && amountTotal < 50) {
    throw invalidParam('line_items', "The Checkout Session's total amount due must add up to at least $0.50 usd", 'amount_too_small');
  }

  const session: CheckoutSessionObject = {
    id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amountTotal,
    amount_total: amountTotal,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: cancelUrl,
    client_reference_id: clientReferenceId,
    client_secret: null,
    created: now,
    currency,
    customer: null,
    customer_creation: 'if_required',
    customer_details: customerEmail ? { address: null, email: customerEmail, name: null, phone: null, tax_exempt: 'none', tax_ids: null } : null,
    customer_email: customerEmail,
    expires_at: expiresAt,
    invoice: null,
    livemode: false,
    locale,
    metadata,
    mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_types: paymentMethodTypes,
    payment_status: 'unpaid',
    status: 'open',
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: options.payUrl(id),
  };
  return { session, lineItems, apiVersion: options.apiVersion };
}

/** `GET /v1/checkout/sessions/:id/line_items` (and `expand[]=line_items`): a list object of the session's items. */
export function lineItemList(record: SessionRecord): Record<string, unknown> {
  return { object: 'list', data: record.lineItems, has_more: false, url: `/v1/checkout/sessions/${record.session.id}/line_items` };
}

function readLineItems(value: FormValue | undefined): LineItem[] {
  if (value === undefined) throw missingParam('line_items');
  if (!Array.isArray(value) || value.length === 0) throw invalidParam('line_items', 'Invalid array', 'parameter_invalid_empty');
  return value.map((raw, index) => {
    const param = `line_items[${index}]`;
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParam(param, `Invalid object`);
    for (const key of Object.keys(raw)) if (!['price_data', 'quantity', 'price'].includes(key)) throw unknownParam(`${param}[${key}]`, NOT_MODELLED);
    if (raw.price !== undefined) {
      // Prices are not modelled: any price ID is one Stripe would not know in this local account
      // (a missing object named in the parameters is a 400, not a 404).
      throw resourceMissing('price', String(raw.price), `${param}[price]`, 400);
    }
    const priceData = raw.price_data;
    if (priceData === undefined) throw new StripeApiError(400, 'invalid_request_error', `You must specify either \`price\` or \`price_data\` in ${param}.`, 'parameter_missing', param);
    if (typeof priceData !== 'object' || Array.isArray(priceData)) throw invalidParam(`${param}[price_data]`, 'Invalid object');
    for (const key of Object.keys(priceData)) {
      if (!['currency', 'unit_amount', 'product_data'].includes(key)) throw unknownParam(`${param}[price_data][${key}]`, NOT_MODELLED);
    }
    const currency = requiredString(priceData, 'currency', `${param}[price_data][currency]`).toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalidParam(`${param}[price_data][currency]`, `Invalid currency: ${currency}. Stripe currently supports these currencies: usd, eur, gbp, …`);
    if (priceData.unit_amount === undefined) throw missingParam(`${param}[price_data][unit_amount]`);
    const unitAmount = integer(priceData.unit_amount, `${param}[price_data][unit_amount]`);
    if (unitAmount < 0) throw invalidParam(`${param}[price_data][unit_amount]`, 'This value must be greater than or equal to 0.');
    const productData = priceData.product_data;
    if (productData === undefined) throw new StripeApiError(400, 'invalid_request_error', `You must specify either \`product\` or \`product_data\` in ${param}[price_data].`, 'parameter_missing', `${param}[price_data]`);
    if (typeof productData !== 'object' || Array.isArray(productData)) throw invalidParam(`${param}[price_data][product_data]`, 'Invalid object');
    for (const key of Object.keys(productData)) {
      if (!['name', 'description', 'metadata'].includes(key)) throw unknownParam(`${param}[price_data][product_data][${key}]`, NOT_MODELLED);
    }
    const name = requiredString(productData, 'name', `${param}[price_data][product_data][name]`);
    const description = optionalString(productData, 'description', `${param}[price_data][product_data][description]`);
    const productMetadata = readMetadata(productData.metadata, `${param}[price_data][product_data][metadata]`);
    if (raw.quantity === undefined) throw missingParam(`${param}[quantity]`);
    const quantity = integer(raw.quantity, `${param}[quantity]`);
    if (quantity < 1) throw invalidParam(`${param}[quantity]`, 'This value must be greater than or equal to 1.');
    const amount = unitAmount * quantity;
    const product = `prod_${randomId(14)}`;
    return {
      id: `li_${randomId(24)}`,
      object: 'item' as const,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency,
      description: name,
      price: {
        id: `price_${randomId(24)}`,
        object: 'price',
        active: false,
        billing_scheme: 'per_unit',
        created: Math.floor(Date.now() / 1000),
        currency,
        livemode: false,
        lookup_key: null,
        metadata: {},
        nickname: null,
        product,
        product_data: { name, description, metadata: productMetadata },
        recurring: null,
        tax_behavior: 'unspecified',
        tiers_mode: null,
        transform_quantity: null,
        type: 'one_time',
        unit_amount: unitAmount,
        unit_amount_decimal: String(unitAmount),
      },
      quantity,
    };
  });
}

function requiredString(params: FormObject, key: string, param = key): string {
  const value = params[key];
  if (value === undefined) throw missingParam(param);
  if (typeof value !== 'string') throw invalidParam(param, `Invalid string: ${param} must be a string`);
  if (value === '') throw invalidEmpty(param);
  return value;
}

function optionalString(params: FormObject, key: string, param = key): string | null {
  const value = params[key];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw invalidParam(param, `Invalid string: ${param} must be a string`);
  if (value === '') throw invalidEmpty(param);
  return value;
}

function optionalUrl(params: FormObject, key: string): string | null {
  const value = optionalString(params, key);
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value.replace('{CHECKOUT_SESSION_ID}', 'x'));
  } catch {
    throw invalidParam(key, 'Not a valid URL', 'url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParam(key, 'Not a valid URL', 'url_invalid');
  return value;
}

function integer(value: FormValue, param: string): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw invalidInteger(param, typeof value === 'string' ? value : JSON.stringify(value));
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalidInteger(param, value);
  return n;
}

function readStringArray(value: FormValue | undefined, param: string): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) throw invalidParam(param, `Invalid array`);
  return value as string[];
}

/** Metadata as Stripe bounds it: up to 50 keys, keys up to 40 characters, values up to 500, all strings. */
function readMetadata(value: FormValue | undefined, param: string): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam(param, 'Invalid object');
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalidParam(param, 'You can specify up to 50 keys in metadata.');
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (typeof v !== 'string') throw invalidParam(`${param}[${key}]`, 'Metadata values must be strings.');
    if (key.length > 40) throw invalidParam(`${param}[${key}]`, 'Metadata keys can have up to 40 characters.');
    if (v.length > 500) throw invalidParam(`${param}[${key}]`, 'Metadata values can have up to 500 characters.');
    // An empty value unsets a key: on create, it is simply absent.
    if (v !== '') out[key] = v;
  }
  return out;
}
