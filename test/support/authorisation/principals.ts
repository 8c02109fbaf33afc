/**
 * Who calls, in the authorisation matrix. Every route has an expected answer
 * for each of them (test/integration/authorisation-matrix.test.ts).
 *
 * - `customer` owns the fixtures (orders, photos, a personal wallet); `otherCustomer`
 *   is another person with their own orders and wallet, in no organisation of the fixtures.
 * - `orgMember`, `orgAdmin` and `orgOwner` hold those roles in the fixture organisation
 *   (its wallet, members and invitations); none of them is `customer`.
 * - `artist` and `admin` are the demo people in the `artists` and `admins` groups.
 * - API keys (issue 10, item 5) call in place of a token.
 */
export const PRINCIPALS = [
  { id: 'anonymous', label: 'anonymous' },
  { id: 'customer', label: 'customer A (owns the fixtures)' },
  { id: 'otherCustomer', label: 'customer B (another customer)' },
  { id: 'orgMember', label: 'organisation member' },
  { id: 'orgAdmin', label: 'organisation admin' },
  { id: 'orgOwner', label: 'organisation owner' },
  { id: 'artist', label: 'artist' },
  { id: 'admin', label: 'admin' },
  // ── API keys, sent as `Authorization: Bearer hsk_…` in place of a token ───────────────────────
  // A key acts as the person who made it (without their groups): a row that names neither the
  // key nor `keys` expects for it what it expects for that person (KEY_ACTS_AS).
  { id: 'personalKey', label: "API key (personal, customer A's)" },
  { id: 'organisationKey', label: "API key (organisation, the fixture organisation's, made by its owner)" },
] as const satisfies readonly { id: string; label: string; skip?: string }[];

export type PrincipalId = (typeof PRINCIPALS)[number]['id'];

/** The principals that are API keys: the `keys` shorthand of an expectation covers them, `others` never does. */
export const KEY_PRINCIPALS: readonly PrincipalId[] = ['personalKey', 'organisationKey'];

/** The person each key acts as: customer A made the personal key, the fixture organisation's owner its key. */
export const KEY_ACTS_AS: Readonly<Partial<Record<PrincipalId, PrincipalId>>> = { personalKey: 'customer', organisationKey: 'orgOwner' };

/** A principal of a run: its credentials, once signed in (none for anonymous). */
export interface Principal {
  readonly id: PrincipalId;
  readonly label: string;
  /** Why this principal is left out of the run; undefined when it takes part. */
  readonly skip?: string;
  /** What goes in the Authorization header after `Bearer `; undefined for anonymous. */
  readonly token?: string;
  /** The person's ID (their personal wallet's ID too); undefined for anonymous and keys. */
  readonly sub?: string;
  readonly email?: string;
}
