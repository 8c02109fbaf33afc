import { hasControlCharacters } from './validation';
import * as z from './validation';

/** Credits a new person receives once per e-mail address, with their personal wallet. */
export const SIGNUP_GRANT_CREDITS = 10;

/** Who a wallet belongs to: a person (their `sub`) or an organisation. */
export const WALLET_OWNER_KINDS = ['person', 'organisation'] as const;
export type WalletOwnerKind = (typeof WALLET_OWNER_KINDS)[number];

/**
 * Every kind of change to a wallet. `reserve` moves credits from the balance
 * into `reserved`; `consume` spends a reservation (the balance moved already,
 * so its amount is 0); `release` gives a reservation back to the balance.
 */
export const LEDGER_ENTRY_TYPES = ['grant', 'purchase', 'reserve', 'consume', 'release', 'refund', 'adjustment'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

export const walletOwnerSchema = z.object({ kind: z.enum(WALLET_OWNER_KINDS), id: z.string() });
export type WalletOwner = z.output<typeof walletOwnerSchema>;

/** A wallet as its owner reads it: `balance` is what can be spent, `reserved` what orders hold. */
export const walletViewSchema = z.object({
  walletId: z.string(),
  owner: walletOwnerSchema,
  balance: z.number(),
  reserved: z.number(),
  updatedAt: z.string(),
});
export type WalletView = z.output<typeof walletViewSchema>;

/** One change to a wallet: the balance after it is the sum of every amount up to it. */
export const ledgerEntryViewSchema = z.object({
  entryId: z.string(),
  type: z.enum(LEDGER_ENTRY_TYPES),
  /** Signed change of the balance (0 for `consume`). */
  amount: z.number(),
  balanceAfter: z.number(),
  /** What it was for: an order ID, a Stripe Checkout Session ID, `signup`, … */
  reference: z.optional(z.string()),
  /** Why (admin adjustments). */
  reason: z.optional(z.string()),
  /** Who (the admin's `sub` for adjustments). */
  actor: z.optional(z.string()),
  at: z.string(),
});
export type LedgerEntryView = z.output<typeof ledgerEntryViewSchema>;

/** An admin's change of a balance: a non-zero whole number of credits and why. */
export const adjustmentSchema = z.strictObject({
  amount: z.int({ error: 'amount must be a whole number of credits' }).check(
    z.refine((n) => n !== 0, 'amount must not be 0'),
    z.gte(-1_000_000, 'amount must be at least -1000000'),
    z.lte(1_000_000, 'amount must be at most 1000000'),
  ),
  reason: z
    .string()
    .check(
      z.trim(),
      z.minLength(3, 'Say why (at least 3 characters)'),
      z.maxLength(500, 'Keep the reason under 500 characters'),
      z.refine((text) => !hasControlCharacters(text), 'The reason contains control characters; type it again as plain text'),
    ),
});
export type AdjustmentInput = z.infer<typeof adjustmentSchema>;
