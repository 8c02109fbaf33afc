import {
  type InvitationRecord,
  type MemberRecord,
  type NewInvitation,
  OrganisationError,
  type OrganisationRecord,
  type Organisations,
  tokenRefusal,
} from '#functions/organisations/organisation-store';
import {
  INVITATION_TTL_DAYS,
  inviteRefusal,
  MAX_MEMBERS,
  MAX_PENDING_INVITATIONS,
  type OrganisationRole,
  type OrganisationSummary,
  removalRefusal,
  type RoleRefusal,
  roleChangeRefusal,
} from '#shared/organisations';

type Method = keyof Organisations;

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const DAY_MS = 24 * 60 * 60 * 1000;
const rank = { owner: 0, admin: 1, member: 2 } as const;

function refuse(refusal: RoleRefusal | undefined): void {
  if (refusal) throw new OrganisationError(refusal.code, refusal.message);
}

/**
 * An in-memory {@link Organisations} with the observable behaviour of
 * `OrganisationStore` (functions/organisations/organisation-store.ts), held to
 * it by the behaviour suite both run (test/stores/organisations-behaviour.ts).
 * Its clock is the `now` it is given, so tests can move past an expiry.
 */
export class FakeOrganisationStore implements Organisations {
  private readonly orgs = new Map<string, OrganisationRecord>();
  private readonly memberships = new Map<string, Map<string, MemberRecord>>();
  private readonly invites = new Map<string, InvitationRecord>();
  /** Token hash → invitation ID (kept after a resend, as the table keeps it). */
  private readonly tokens = new Map<string, string>();
  private readonly failures = new Map<Method, Error[]>();
  readonly calls: { readonly method: Method; readonly args: readonly unknown[] }[] = [];

  constructor(public now: () => Date = () => new Date()) {}

  /** The next call of `method` rejects with `error`. */
  failNext(method: Method, error: Error = new Error(`${method} failed (injected by the test)`)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  /** An organisation's stored record, read without counting as a call. */
  peek(orgId: string): OrganisationRecord | undefined {
    const org = this.orgs.get(orgId);
    return org && copy(org);
  }

  async create(input: { readonly orgId: string; readonly name: string; readonly walletId: string; readonly owner: { readonly sub: string; readonly email?: string } }): Promise<OrganisationRecord> {
    this.record('create', input);
    if (this.orgs.has(input.orgId)) throw Object.assign(new Error('The conditional request failed'), { name: 'TransactionCanceledException' });
    const at = this.now().toISOString();
    const org: OrganisationRecord = { orgId: input.orgId, name: input.name, walletId: input.walletId, createdAt: at, createdBy: input.owner.sub, memberCount: 1, ownerCount: 1, pendingCount: 0 };
    this.orgs.set(org.orgId, org);
    this.memberships.set(org.orgId, new Map([[input.owner.sub, { orgId: org.orgId, sub: input.owner.sub, ...(input.owner.email && { email: input.owner.email }), role: 'owner', joinedAt: at }]]));
    return copy(org);
  }

  async get(orgId: string): Promise<OrganisationRecord | undefined> {
    this.record('get', orgId);
    return this.peek(orgId);
  }

  async membership(orgId: string, sub: string): Promise<MemberRecord | undefined> {
    this.record('membership', orgId, sub);
    const member = this.memberships.get(orgId)?.get(sub);
    return member && copy(member);
  }

  async members(orgId: string): Promise<MemberRecord[]> {
    this.record('members', orgId);
    return this.roster(orgId).sort((a, b) => rank[a.role] - rank[b.role] || (a.email ?? a.sub).localeCompare(b.email ?? b.sub));
  }

  async organisationsOf(sub: string): Promise<OrganisationSummary[]> {
    this.record('organisationsOf', sub);
    const mine: OrganisationSummary[] = [];
    for (const [orgId, roster] of this.memberships) {
      const member = roster.get(sub);
      const org = this.orgs.get(orgId)!;
      if (member) mine.push({ orgId, name: org.name, role: member.role, walletId: org.walletId, joinedAt: member.joinedAt });
    }
    return mine.sort((a, b) => a.name.localeCompare(b.name) || a.orgId.localeCompare(b.orgId));
  }

  async invite(actor: string, input: NewInvitation): Promise<InvitationRecord> {
    this.record('invite', actor, input);
    const { org, me } = this.acting(input.orgId, actor);
    refuse(inviteRefusal(me.role, input.role));
    if (this.roster(input.orgId).some((m) => m.email === input.email)) throw new OrganisationError('ALREADY_MEMBER', `${input.email} is a member already.`);
    if ([...this.invites.values()].some((i) => i.orgId === input.orgId && i.email === input.email && i.status === 'PENDING')) {
      throw new OrganisationError('INVITATION_PENDING', `An invitation to ${input.email} is waiting for an answer; resend it or revoke it first.`);
    }
    if (org.pendingCount >= MAX_PENDING_INVITATIONS) throw new OrganisationError('TOO_MANY_INVITATIONS', `An organisation may have ${MAX_PENDING_INVITATIONS} invitations waiting at once; revoke some first.`);
    const now = this.now();
    const invitation: InvitationRecord = {
      invitationId: input.invitationId,
      orgId: input.orgId,
      organisationName: org.name,
      email: input.email,
      role: input.role,
      invitedBy: actor,
      ...(me.email && { invitedByEmail: me.email }),
      createdAt: now.toISOString(),
      validUntil: new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS).toISOString(),
      tokenHash: input.tokenHash,
      status: 'PENDING',
    };
    this.invites.set(invitation.invitationId, invitation);
    this.tokens.set(input.tokenHash, invitation.invitationId);
    this.orgs.set(org.orgId, { ...org, pendingCount: org.pendingCount + 1 });
    return copy(invitation);
  }

  async invitations(orgId: string): Promise<InvitationRecord[]> {
    this.record('invitations', orgId);
    return [...this.invites.values()]
      .filter((i) => i.orgId === orgId && i.status === 'PENDING')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.invitationId.localeCompare(b.invitationId))
      .map(copy);
  }

  async invitationByToken(tokenHash: string): Promise<InvitationRecord | undefined> {
    this.record('invitationByToken', tokenHash);
    const id = this.tokens.get(tokenHash);
    const invitation = id === undefined ? undefined : this.invites.get(id);
    return invitation && copy(invitation);
  }

  async resend(actor: string, orgId: string, invitationId: string, tokenHash: string): Promise<InvitationRecord> {
    this.record('resend', actor, orgId, invitationId, tokenHash);
    const { me } = this.acting(orgId, actor);
    const invitation = this.pending(orgId, invitationId, me.role);
    const next = { ...invitation, tokenHash, validUntil: new Date(this.now().getTime() + INVITATION_TTL_DAYS * DAY_MS).toISOString() };
    this.invites.set(invitationId, next);
    this.tokens.set(tokenHash, invitationId);
    return copy(next);
  }

  async revoke(actor: string, orgId: string, invitationId: string): Promise<InvitationRecord> {
    this.record('revoke', actor, orgId, invitationId);
    const { org, me } = this.acting(orgId, actor);
    const invitation = this.pending(orgId, invitationId, me.role);
    const next: InvitationRecord = { ...invitation, status: 'REVOKED', answeredBy: actor, answeredAt: this.now().toISOString() };
    this.invites.set(invitationId, next);
    this.orgs.set(orgId, { ...org, pendingCount: org.pendingCount - 1 });
    return copy(next);
  }

  async accept(tokenHash: string, person: { readonly sub: string; readonly email: string }): Promise<OrganisationSummary> {
    this.record('accept', tokenHash, person);
    const invitation = this.live(tokenHash);
    const org = this.orgs.get(invitation.orgId);
    if (!org) throw new OrganisationError('INVITATION_NOT_FOUND', 'This invitation no longer exists.');
    if (this.memberships.get(org.orgId)?.has(person.sub)) throw new OrganisationError('ALREADY_MEMBER', `You are a member of ${org.name} already.`);
    if (org.memberCount >= MAX_MEMBERS) throw new OrganisationError('TOO_MANY_MEMBERS', `${org.name} has ${MAX_MEMBERS} members, as many as an organisation may have.`);
    const at = this.now().toISOString();
    this.invites.set(invitation.invitationId, { ...invitation, status: 'ACCEPTED', answeredBy: person.sub, answeredAt: at });
    this.memberships.get(org.orgId)!.set(person.sub, { orgId: org.orgId, sub: person.sub, email: person.email, role: invitation.role, joinedAt: at });
    this.orgs.set(org.orgId, { ...org, memberCount: org.memberCount + 1, ownerCount: org.ownerCount + (invitation.role === 'owner' ? 1 : 0), pendingCount: org.pendingCount - 1 });
    return { orgId: org.orgId, name: org.name, role: invitation.role, walletId: org.walletId, joinedAt: at };
  }

  async decline(tokenHash: string, person: { readonly sub: string }): Promise<InvitationRecord> {
    this.record('decline', tokenHash, person);
    const invitation = this.live(tokenHash);
    const next: InvitationRecord = { ...invitation, status: 'DECLINED', answeredBy: person.sub, answeredAt: this.now().toISOString() };
    this.invites.set(invitation.invitationId, next);
    const org = this.orgs.get(invitation.orgId)!;
    this.orgs.set(org.orgId, { ...org, pendingCount: org.pendingCount - 1 });
    return copy(next);
  }

  async changeRole(actor: string, orgId: string, memberSub: string, role: OrganisationRole): Promise<MemberRecord> {
    this.record('changeRole', actor, orgId, memberSub, role);
    const { org, me } = this.acting(orgId, actor);
    const target = this.memberships.get(orgId)!.get(memberSub);
    if (!target) throw new OrganisationError('MEMBER_NOT_FOUND', 'The organisation has no such member.');
    refuse(roleChangeRefusal(me.role, target.role, role));
    if (target.role === role) return copy(target);
    const ownerDelta = (role === 'owner' ? 1 : 0) - (target.role === 'owner' ? 1 : 0);
    if (ownerDelta < 0 && org.ownerCount <= 1) throw lastOwner();
    const next = { ...target, role };
    this.memberships.get(orgId)!.set(memberSub, next);
    this.orgs.set(orgId, { ...org, ownerCount: org.ownerCount + ownerDelta });
    return copy(next);
  }

  async remove(actor: string, orgId: string, memberSub: string): Promise<MemberRecord> {
    this.record('remove', actor, orgId, memberSub);
    const { org, me } = this.acting(orgId, actor);
    const target = this.memberships.get(orgId)!.get(memberSub);
    if (!target) throw new OrganisationError('MEMBER_NOT_FOUND', 'The organisation has no such member.');
    if (memberSub !== actor) refuse(removalRefusal(me.role, target.role));
    if (target.role === 'owner' && org.ownerCount <= 1) throw lastOwner();
    this.memberships.get(orgId)!.delete(memberSub);
    this.orgs.set(orgId, { ...org, memberCount: org.memberCount - 1, ownerCount: org.ownerCount - (target.role === 'owner' ? 1 : 0) });
    return copy(target);
  }

  private roster(orgId: string): MemberRecord[] {
    return [...(this.memberships.get(orgId)?.values() ?? [])].map(copy);
  }

  private acting(orgId: string, actor: string): { org: OrganisationRecord; me: MemberRecord } {
    const org = this.orgs.get(orgId);
    const me = this.memberships.get(orgId)?.get(actor);
    if (!org || !me) throw new OrganisationError('ORGANISATION_NOT_FOUND', 'No such organisation.');
    return { org, me };
  }

  private pending(orgId: string, invitationId: string, actorRole: OrganisationRole): InvitationRecord {
    const invitation = this.invites.get(invitationId);
    if (!invitation || invitation.orgId !== orgId || invitation.status !== 'PENDING') {
      throw new OrganisationError('INVITATION_NOT_FOUND', 'The organisation has no pending invitation with this ID.');
    }
    refuse(inviteRefusal(actorRole, invitation.role));
    return invitation;
  }

  private live(tokenHash: string): InvitationRecord {
    const id = this.tokens.get(tokenHash);
    const invitation = id === undefined ? undefined : this.invites.get(id);
    if (!invitation) throw new OrganisationError('INVITATION_NOT_FOUND', 'This invitation link is not valid. Check that you opened the whole link from the e-mail.');
    const refusal = tokenRefusal(invitation, tokenHash, this.now());
    if (refusal) throw refusal;
    return invitation;
  }

  private record(method: Method, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const queued = this.failures.get(method);
    const failure = queued?.shift();
    if (failure) throw failure;
  }
}

const lastOwner = () => new OrganisationError('LAST_OWNER', 'An organisation always keeps an owner: make someone else an owner first.');
