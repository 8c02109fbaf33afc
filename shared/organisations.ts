import * as z from './validation';
import { hasControlCharacters } from './validation';

/**
 * Organisations: teams that share one credit wallet. People join by an
 * invitation sent to their e-mail address and hold one of three roles:
 *
 * - `owner`: everything, including making others owners and removing owners.
 *   An organisation may have several owners and always keeps at least one:
 *   ownership is transferred by making someone else an owner, after which the
 *   previous owner may step down to admin or leave.
 * - `admin`: invites people as admins or members, changes admins and members,
 *   removes them, reads the wallet's history. Never touches an owner.
 * - `member`: uses the shared wallet (its balance, placing orders on it) and
 *   sees who else is in the organisation. Changes nobody and invites nobody.
 *
 * Anyone may leave, except the last owner.
 */

export const ORGANISATION_ROLES = ['owner', 'admin', 'member'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** How long an invitation's link works. */
export const INVITATION_TTL_DAYS = 7;
/** People in one organisation. */
export const MAX_MEMBERS = 100;
/** Invitations one organisation may have waiting at once. */
export const MAX_PENDING_INVITATIONS = 50;

/** An invitation token: 32 random bytes, base64url without padding (43 characters). */
export const INVITATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const organisationNameSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(2, 'The name needs at least 2 characters'),
    z.maxLength(80, 'Keep the name under 80 characters'),
    z.refine((value) => !hasControlCharacters(value), 'The name contains control characters; type it again as plain text'),
  );

/** An e-mail address, trimmed and compared in lower case (as the user pool and the sign-up grant do). */
export const emailSchema = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(254, 'An e-mail address has at most 254 characters'),
    z.regex(/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/, 'Give a valid e-mail address, such as ada@example.com'),
  );

export const roleSchema = z.enum(ORGANISATION_ROLES, { error: 'role must be owner, admin or member' });

export const createOrganisationSchema = z.strictObject({ name: organisationNameSchema });
export type CreateOrganisationInput = z.output<typeof createOrganisationSchema>;

export const invitationInputSchema = z.strictObject({ email: emailSchema, role: roleSchema });
export type InvitationInput = z.output<typeof invitationInputSchema>;

export const roleChangeSchema = z.strictObject({ role: roleSchema });

export const invitationTokenSchema = z.string().check(z.regex(INVITATION_TOKEN_PATTERN, 'token must be the invitation token from the e-mail link'));
export const tokenBodySchema = z.strictObject({ token: invitationTokenSchema });

/** One organisation the caller belongs to, with their role in it. */
export const organisationSummarySchema = z.object({
  orgId: z.string(),
  name: z.string(),
  role: roleSchema,
  /** The organisation's shared wallet. */
  walletId: z.string(),
  joinedAt: z.string(),
});
export type OrganisationSummary = z.output<typeof organisationSummarySchema>;

export const memberViewSchema = z.object({
  sub: z.string(),
  /** The address they joined with (from the user pool). */
  email: z.optional(z.string()),
  role: roleSchema,
  joinedAt: z.string(),
});
export type MemberView = z.output<typeof memberViewSchema>;

/** An organisation as a member reads it: members, roles and the shared wallet's balance. */
export const organisationViewSchema = z.object({
  orgId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  /** The caller's own role. */
  role: roleSchema,
  memberCount: z.number(),
  members: z.array(memberViewSchema),
  wallet: z.object({ walletId: z.string(), balance: z.number(), reserved: z.number() }),
});
export type OrganisationView = z.output<typeof organisationViewSchema>;

/** An invitation as owners and admins see it (never its token). */
export const invitationViewSchema = z.object({
  invitationId: z.string(),
  orgId: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.string(),
  createdAt: z.string(),
  /** When the current link stops working; a resend moves it on. */
  expiresAt: z.string(),
  /** The link no longer works: resend or revoke it. */
  expired: z.boolean(),
});
export type InvitationView = z.output<typeof invitationViewSchema>;

/** What the holder of a link sees before answering it. */
export const invitationPreviewSchema = z.object({
  organisationName: z.string(),
  role: roleSchema,
  email: z.string(),
  invitedByEmail: z.optional(z.string()),
  expiresAt: z.string(),
  /** Whether the signed-in person's verified e-mail is the invited address (only they may answer). */
  forYou: z.boolean(),
});
export type InvitationPreview = z.output<typeof invitationPreviewSchema>;

/** Why an action on an organisation is refused by role; undefined when it is allowed. */
export type RoleRefusal = { readonly code: 'ORGANISATION_ADMIN_REQUIRED' | 'ORGANISATION_OWNER_REQUIRED'; readonly message: string };

const ADMIN_REQUIRED: RoleRefusal = { code: 'ORGANISATION_ADMIN_REQUIRED', message: "Only the organisation's owners and admins may do this." };

/** Whether `actor` may invite someone as `role`. */
export function inviteRefusal(actor: OrganisationRole, role: OrganisationRole): RoleRefusal | undefined {
  if (actor === 'member') return { code: 'ORGANISATION_ADMIN_REQUIRED', message: "Only the organisation's owners and admins may invite people." };
  if (role === 'owner' && actor !== 'owner') return { code: 'ORGANISATION_OWNER_REQUIRED', message: 'Only an owner may invite another owner.' };
  return undefined;
}

/**
 * Whether `actor` may change someone whose role is `from` to `to`. Owners may
 * change anyone (the store keeps at least one owner); admins change admins and
 * members between those two roles; members change nobody, themselves included.
 */
export function roleChangeRefusal(actor: OrganisationRole, from: OrganisationRole, to: OrganisationRole): RoleRefusal | undefined {
  if (actor === 'owner') return undefined;
  if (actor === 'member') return { code: 'ORGANISATION_ADMIN_REQUIRED', message: "Only the organisation's owners and admins may change roles." };
  if (from === 'owner') return { code: 'ORGANISATION_OWNER_REQUIRED', message: "Only an owner may change an owner's role." };
  if (to === 'owner') return { code: 'ORGANISATION_OWNER_REQUIRED', message: 'Only an owner may make someone an owner.' };
  return undefined;
}

/** Whether `actor` may remove someone else whose role is `target` (anyone may leave, but the last owner). */
export function removalRefusal(actor: OrganisationRole, target: OrganisationRole): RoleRefusal | undefined {
  if (actor === 'owner') return undefined;
  if (actor === 'member') return { code: 'ORGANISATION_ADMIN_REQUIRED', message: "Only the organisation's owners and admins may remove people." };
  if (target === 'owner') return { code: 'ORGANISATION_OWNER_REQUIRED', message: 'Only an owner may remove an owner.' };
  return undefined;
}

/** Whether `actor` may manage invitations (list, revoke, resend). */
export function manageInvitationsRefusal(actor: OrganisationRole): RoleRefusal | undefined {
  return actor === 'member' ? ADMIN_REQUIRED : undefined;
}

/** Whether `role` may read the shared wallet's history (members see its balance only). */
export function readsWalletHistory(role: OrganisationRole): boolean {
  return role === 'owner' || role === 'admin';
}
