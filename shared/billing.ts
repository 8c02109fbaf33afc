import * as z from './validation';

/**
 * Credit packages: what a wallet can buy, at what price. Data, not code: the
 * checkout, the webhook that fulfils a payment and the web page all read this
 * one list. Prices are in the currency's minor unit (cents).
 */
export const CREDIT_PACKAGES = [
  { packageId: 'starter', name: 'Starter', credits: 50, priceCents: 999, currency: 'usd' },
  { packageId: 'pro', name: 'Pro', credits: 200, priceCents: 2999, currency: 'usd' },
  { packageId: 'enterprise', name: 'Enterprise', credits: 1000, priceCents: 9999, currency: 'usd' },
] as const satisfies readonly CreditPackage[];

export const PACKAGE_IDS = ['starter', 'pro', 'enterprise'] as const;
export type PackageId = (typeof PACKAGE_IDS)[number];

export interface CreditPackage {
  readonly packageId: PackageId;
  readonly name: string;
  readonly credits: number;
  /** Price in the currency's minor unit: 999 is $9.99. */
  readonly priceCents: number;
  /** ISO 4217, lower case as Stripe writes it. */
  readonly currency: 'usd';
}

export const creditPackageSchema = z.object({
  packageId: z.enum(PACKAGE_IDS),
  name: z.string(),
  credits: z.number(),
  priceCents: z.number(),
  currency: z.literal('usd'),
});

/** The package with this ID, or undefined (an ID from outside, such as Stripe metadata, may name none). */
export function packageById(packageId: string): CreditPackage | undefined {
  return CREDIT_PACKAGES.find((p) => p.packageId === packageId);
}

/** `$9.99`: a price for people (the web shows it; Stripe shows its own). */
export function formatPrice(pkg: Pick<CreditPackage, 'priceCents' | 'currency'>): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: pkg.currency.toUpperCase() }).format(pkg.priceCents / 100);
}

/** A Stripe Checkout Session ID (`cs_test_…` or `cs_live_…`), as ledger references carry it. */
export const CHECKOUT_SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{1,200}$/;

/** Whether a ledger reference names a Stripe Checkout Session (a purchase's receipt). */
export function isCheckoutSessionId(reference: string | undefined): reference is string {
  return reference !== undefined && CHECKOUT_SESSION_ID.test(reference);
}

/**
 * The Checkout Session's metadata the studio writes and its webhook reads back
 * (signed by Stripe as part of the event): which wallet to credit with which
 * package, and who bought it.
 */
export const checkoutMetadataSchema = z.object({
  walletId: z.uuid(),
  packageId: z.string().check(z.minLength(1), z.maxLength(100)),
  buyer: z.optional(z.string()),
});
export type CheckoutMetadata = z.output<typeof checkoutMetadataSchema>;
