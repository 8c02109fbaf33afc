import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { queryAll } from '#lib/query-all';
import {
  INVITATION_TTL_DAYS,
  inviteRefusal,
  MAX_MEMBERS,
  MAX_PENDING_INVITATIONS,
  removalRefusal,
  roleChangeRefusal,
  type OrganisationRole,
  type OrganisationSummary,
  type RoleRefusal,
} from '#shared/organisations';

/** Why an organisation operation was refused; nothing was written. Each reason is the API's error code. */
export type OrganisationErrorReason =
  | RoleRefusal['code']
  | 'ORGANISATION_NOT_FOUND'
  | 'MEMBER_NOT_FOUND'
  | 'INVITATION_NOT_FOUND'
  | 'LAST_OWNER'
  | 'ALREADY_MEMBER'
  | 'INVITATION_PENDING'
  | 'TOO_MANY_INVITATIONS'
  | 'TOO_MANY_MEMBERS'
  | 'INVITATION_EXPIRED'
  | 'INVITATION_USED'
  | 'INVITATION_REVOKED';

export class OrganisationError extends Error {
  constructor(
    readonly reason: OrganisationErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'OrganisationError';
  }
}

export interface OrganisationRecord {
  readonly orgId: string;
  readonly name: string;
  /** The shared wallet; its ID is the organisation's. */
  readonly walletId: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly memberCount: number;
  readonly ownerCount: number;
  /** Invitations waiting for an answer (expired ones included, until revoked). */
  readonly pendingCount: number;
}

export interface MemberRecord {
  readonly orgId: string;
  readonly sub: string;
  readonly email?: string;
  readonly role: OrganisationRole;
  readonly joinedAt: string;
}

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'REVOKED';

export interface InvitationRecord {
  readonly invitationId: string;
  readonly orgId: string;
  readonly organisationName: string;
  /** The invited address, lower case. */
  readonly email: string;
  readonly role: OrganisationRole;
  readonly invitedBy: string;
  readonly invitedByEmail?: string;
  readonly createdAt: string;
  /** When the current link stops working. */
  readonly validUntil: string;
  /** SHA-256 (hex) of the current token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly status: InvitationStatus;
  readonly answeredBy?: string;
  readonly answeredAt?: string;
}

/** A new invitation: who, as what, and the hash of the token its e-mail carries. */
export interface NewInvitation {
  readonly orgId: string;
  readonly invitationId: string;
  readonly email: string;
  readonly role: OrganisationRole;
  readonly tokenHash: string;
}

/** What handlers need of the store; unit tests hand them a fake held to the same behaviour (test/stores/organisations-behaviour.ts). */
export type Organisations = Pick<
  OrganisationStore,
  | 'create'
  | 'get'
  | 'membership'
  | 'members'
  | 'organisationsOf'
  | 'invite'
  | 'invitations'
  | 'invitationByToken'
  | 'resend'
  | 'revoke'
  | 'accept'
  | 'decline'
  | 'changeRole'
  | 'remove'
>;

const orgKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });
const memberKey = (orgId: string, sub: string) => ({ pk: `ORG#${orgId}`, sk: `MEMBER#${sub}` });
/** The person's side of a membership: `PERSON#sub` holds one item per organisation, so "my organisations" is one query. */
const personKey = (sub: string, orgId: string) => ({ pk: `PERSON#${sub}`, sk: `ORG#${orgId}` });
const invitationKey = (orgId: string, invitationId: string) => ({ pk: `ORG#${orgId}`, sk: `INVITE#${invitationId}` });
/** One pending invitation per address and organisation. */
const inviteeKey = (orgId: string, email: string) => ({ pk: `ORG#${orgId}`, sk: `INVITEE#${email}` });
/** Finds an invitation from its token's hash without an index. */
const tokenKey = (tokenHash: string) => ({ pk: `INVTOKEN#${tokenHash}`, sk: 'TOKEN' });

const DAY_MS = 24 * 60 * 60 * 1000;
/** Answered and dead invitations are kept this long after their link expired, then DynamoDB's TTL (`expiresAt`, epoch seconds) removes them. */
const KEEP_AFTER_EXPIRY_DAYS = 30;
/** How often a change re-reads and re-checks after a concurrent change won the race. */
const MAX_ATTEMPTS = 8;

const collided = (error: unknown) =>
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict')) ||
  (error instanceof Error && error.name === 'TransactionConflictException');
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)));

const notFound = () => new OrganisationError('ORGANISATION_NOT_FOUND', 'No such organisation.');

type TransactItems = NonNullable<TransactWriteCommand['input']['TransactItems']>;

/**
 * Organisations, their members and invitations in the single table:
 *
 * - `ORG#id / ORG`: name, wallet, and the counters `memberCount`,
 *   `ownerCount` and `pendingCount`, moved in the same transaction as the
 *   items they count and conditioned so an organisation never loses its last
 *   owner, never passes {@link MAX_MEMBERS} and never holds more than
 *   {@link MAX_PENDING_INVITATIONS} invitations;
 * - `ORG#id / MEMBER#sub` and `PERSON#sub / ORG#id`: both sides of a
 *   membership with its role, written together;
 * - `ORG#id / INVITE#invitationId`: an invitation, with the SHA-256 of its
 *   current token, `PENDING` until accepted, declined or revoked;
 * - `ORG#id / INVITEE#email`: the one pending invitation to an address;
 * - `INVTOKEN#sha256 / TOKEN`: from a token's hash to its invitation (a resent
 *   invitation's old token still finds it, and is told it was replaced).
 *
 * Every change is one TransactWriteItems whose conditions include the acting
 * person's role as it was read, so a role taken away meanwhile cannot be used;
 * a change that loses a race reads again and decides again.
 */
export class OrganisationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A new organisation with its creator as the only owner. Its wallet (ID `walletId`) is opened by the ledger. */
  async create(input: { readonly orgId: string; readonly name: string; readonly walletId: string; readonly owner: { readonly sub: string; readonly email?: string } }): Promise<OrganisationRecord> {
    const at = this.now().toISOString();
    const org: OrganisationRecord = { orgId: input.orgId, name: input.name, walletId: input.walletId, createdAt: at, createdBy: input.owner.sub, memberCount: 1, ownerCount: 1, pendingCount: 0 };
    const member: MemberRecord = { orgId: input.orgId, sub: input.owner.sub, ...(input.owner.email && { email: input.owner.email }), role: 'owner', joinedAt: at };
    await this.transact([
      { Put: { TableName: this.tableName, Item: { ...orgKey(org.orgId), ...org }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.membershipPuts(org, member),
    ]);
    return org;
  }

  async get(orgId: string): Promise<OrganisationRecord | undefined> {
    const item = await this.read(orgKey(orgId));
    if (!item) return undefined;
    const { orgId: id, name, walletId, createdAt, createdBy, memberCount, ownerCount, pendingCount } = item as unknown as OrganisationRecord;
    return { orgId: id, name, walletId, createdAt, createdBy, memberCount, ownerCount, pendingCount };
  }

  /** The person's membership of the organisation, if they belong to it. */
  async membership(orgId: string, sub: string): Promise<MemberRecord | undefined> {
    const item = await this.read(memberKey(orgId, sub));
    return item && toMember(item);
  }

  /** Every member, owners first, then admins, then members, each by e-mail. */
  async members(orgId: string): Promise<MemberRecord[]> {
    const items = await this.queryAll(`ORG#${orgId}`, 'MEMBER#');
    const rank = { owner: 0, admin: 1, member: 2 } as const;
    return items.map(toMember).sort((a, b) => rank[a.role] - rank[b.role] || (a.email ?? a.sub).localeCompare(b.email ?? b.sub));
  }

  /** The organisations a person belongs to, with their role, by name. One query. */
  async organisationsOf(sub: string): Promise<OrganisationSummary[]> {
    const items = await this.queryAll(`PERSON#${sub}`, 'ORG#');
    return items
      .map(({ orgId, name, role, walletId, joinedAt }) => ({ orgId, name, role, walletId, joinedAt }) as OrganisationSummary)
      .sort((a, b) => a.name.localeCompare(b.name) || a.orgId.localeCompare(b.orgId));
  }

  /**
   * Invites `email` as `role` on behalf of `actor`, who must be an owner or an
   * admin (only owners invite owners). Refused with ALREADY_MEMBER when a member
   * joined with that address, INVITATION_PENDING when one waits for it, and
   * TOO_MANY_INVITATIONS past {@link MAX_PENDING_INVITATIONS}.
   */
  async invite(actor: string, input: NewInvitation): Promise<InvitationRecord> {
    return this.retrying(async () => {
      const { org, me } = await this.acting(input.orgId, actor);
      refuse(inviteRefusal(me.role, input.role));
      if ((await this.members(input.orgId)).some((m) => m.email === input.email)) {
        throw new OrganisationError('ALREADY_MEMBER', `${input.email} is a member already.`);
      }
      if (await this.read(inviteeKey(input.orgId, input.email))) {
        throw new OrganisationError('INVITATION_PENDING', `An invitation to ${input.email} is waiting for an answer; resend it or revoke it first.`);
      }
      if (org.pendingCount >= MAX_PENDING_INVITATIONS) {
        throw new OrganisationError('TOO_MANY_INVITATIONS', `An organisation may have ${MAX_PENDING_INVITATIONS} invitations waiting at once; revoke some first.`);
      }
      const now = this.now();
      const validUntil = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
      const invitation: InvitationRecord = {
        invitationId: input.invitationId,
        orgId: input.orgId,
        organisationName: org.name,
        email: input.email,
        role: input.role,
        invitedBy: actor,
        ...(me.email && { invitedByEmail: me.email }),
        createdAt: now.toISOString(),
        validUntil: validUntil.toISOString(),
        tokenHash: input.tokenHash,
        status: 'PENDING',
      };
      const expiresAt = ttlOf(validUntil);
      await this.transact([
        this.roleCheck(input.orgId, me),
        { Put: { TableName: this.tableName, Item: { ...invitationKey(input.orgId, input.invitationId), ...invitation, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.tableName, Item: { ...inviteeKey(input.orgId, input.email), invitationId: input.invitationId }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.tableName, Item: { ...tokenKey(input.tokenHash), orgId: input.orgId, invitationId: input.invitationId, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: this.tableName,
            Key: orgKey(input.orgId),
            UpdateExpression: 'ADD pendingCount :one',
            ConditionExpression: 'attribute_exists(pk) AND pendingCount < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': MAX_PENDING_INVITATIONS },
          },
        },
      ]);
      return invitation;
    });
  }

  /** The invitations waiting for an answer, oldest first (expired ones included: they can be resent or revoked). */
  async invitations(orgId: string): Promise<InvitationRecord[]> {
    const items = await this.queryAll(`ORG#${orgId}`, 'INVITE#');
    return items
      .map(toInvitation)
      .filter((invitation) => invitation.status === 'PENDING')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.invitationId.localeCompare(b.invitationId));
  }

  /** The invitation a token belongs to, if any: even an answered, revoked or replaced one (compare its `tokenHash`). */
  async invitationByToken(tokenHash: string): Promise<InvitationRecord | undefined> {
    const token = await this.read(tokenKey(tokenHash));
    if (!token) return undefined;
    const item = await this.read(invitationKey(String(token.orgId), String(token.invitationId)));
    return item && toInvitation(item);
  }

  /**
   * A new token (and 7 more days) for a pending invitation: the old token stops
   * working at once. Same rights as inviting someone in that role.
   */
  async resend(actor: string, orgId: string, invitationId: string, tokenHash: string): Promise<InvitationRecord> {
    return this.retrying(async () => {
      const { me } = await this.acting(orgId, actor);
      const invitation = await this.pendingInvitation(orgId, invitationId, me.role);
      const validUntil = new Date(this.now().getTime() + INVITATION_TTL_DAYS * DAY_MS);
      const expiresAt = ttlOf(validUntil);
      await this.transact([
        this.roleCheck(orgId, me),
        {
          Update: {
            TableName: this.tableName,
            Key: invitationKey(orgId, invitationId),
            UpdateExpression: 'SET tokenHash = :new, validUntil = :until, expiresAt = :ttl',
            ConditionExpression: '#status = :pending AND tokenHash = :old',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':new': tokenHash, ':old': invitation.tokenHash, ':until': validUntil.toISOString(), ':ttl': expiresAt, ':pending': 'PENDING' },
          },
        },
        { Put: { TableName: this.tableName, Item: { ...tokenKey(tokenHash), orgId, invitationId, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      return { ...invitation, tokenHash, validUntil: validUntil.toISOString() };
    });
  }

  /** Withdraws a pending invitation: its link stops working. Same rights as inviting someone in that role. */
  async revoke(actor: string, orgId: string, invitationId: string): Promise<InvitationRecord> {
    return this.retrying(async () => {
      const { me } = await this.acting(orgId, actor);
      const invitation = await this.pendingInvitation(orgId, invitationId, me.role);
      const at = this.now().toISOString();
      await this.transact([
        this.roleCheck(orgId, me),
        this.answer(invitation, 'REVOKED', actor, at, false),
        this.releaseInvitee(invitation),
        { Update: { TableName: this.tableName, Key: orgKey(orgId), UpdateExpression: 'ADD pendingCount :minus', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':minus': -1 } } },
      ]);
      return { ...invitation, status: 'REVOKED', answeredBy: actor, answeredAt: at };
    });
  }

  /**
   * Accepts the invitation of a token: `person` joins in the invited role. The
   * caller checked that the person's verified e-mail is the invited address.
   * Refused when the link expired, was used, revoked or replaced, when the
   * person is a member already, or when the organisation is full.
   */
  async accept(tokenHash: string, person: { readonly sub: string; readonly email: string }): Promise<OrganisationSummary> {
    return this.retrying(async () => {
      const invitation = await this.live(tokenHash);
      const org = await this.get(invitation.orgId);
      if (!org) throw new OrganisationError('INVITATION_NOT_FOUND', 'This invitation no longer exists.');
      if (await this.membership(org.orgId, person.sub)) throw new OrganisationError('ALREADY_MEMBER', `You are a member of ${org.name} already.`);
      if (org.memberCount >= MAX_MEMBERS) throw new OrganisationError('TOO_MANY_MEMBERS', `${org.name} has ${MAX_MEMBERS} members, as many as an organisation may have.`);
      const at = this.now().toISOString();
      const member: MemberRecord = { orgId: org.orgId, sub: person.sub, email: person.email, role: invitation.role, joinedAt: at };
      await this.transact([
        this.answer(invitation, 'ACCEPTED', person.sub, at, true),
        this.releaseInvitee(invitation),
        ...this.membershipPuts(org, member),
        {
          Update: {
            TableName: this.tableName,
            Key: orgKey(org.orgId),
            UpdateExpression: 'ADD memberCount :one, ownerCount :owners, pendingCount :minus',
            ConditionExpression: 'attribute_exists(pk) AND memberCount < :max',
            ExpressionAttributeValues: { ':one': 1, ':owners': member.role === 'owner' ? 1 : 0, ':minus': -1, ':max': MAX_MEMBERS },
          },
        },
      ]);
      return { orgId: org.orgId, name: org.name, role: member.role, walletId: org.walletId, joinedAt: at };
    });
  }

  /** Declines the invitation of a token; refused as {@link accept} is for a link that no longer works. */
  async decline(tokenHash: string, person: { readonly sub: string }): Promise<InvitationRecord> {
    return this.retrying(async () => {
      const invitation = await this.live(tokenHash);
      const at = this.now().toISOString();
      await this.transact([
        this.answer(invitation, 'DECLINED', person.sub, at, true),
        this.releaseInvitee(invitation),
        { Update: { TableName: this.tableName, Key: orgKey(invitation.orgId), UpdateExpression: 'ADD pendingCount :minus', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':minus': -1 } } },
      ]);
      return { ...invitation, status: 'DECLINED', answeredBy: person.sub, answeredAt: at };
    });
  }

  /**
   * Changes a member's role on behalf of `actor` (see `roleChangeRefusal`);
   * an owner stepping down or demoting another owner is refused with
   * LAST_OWNER when no other owner would remain.
   */
  async changeRole(actor: string, orgId: string, memberSub: string, role: OrganisationRole): Promise<MemberRecord> {
    return this.retrying(async () => {
      const { org, me } = await this.acting(orgId, actor);
      const target = memberSub === actor ? me : await this.membership(orgId, memberSub);
      if (!target) throw new OrganisationError('MEMBER_NOT_FOUND', 'The organisation has no such member.');
      refuse(roleChangeRefusal(me.role, target.role, role));
      if (target.role === role) return target;
      const ownerDelta = (role === 'owner' ? 1 : 0) - (target.role === 'owner' ? 1 : 0);
      if (ownerDelta < 0 && org.ownerCount <= 1) throw lastOwner();
      await this.transact([
        ...(target.sub === actor ? [] : [this.roleCheck(orgId, me)]),
        {
          Update: {
            TableName: this.tableName,
            Key: memberKey(orgId, target.sub),
            UpdateExpression: 'SET #role = :to',
            ConditionExpression: '#role = :from',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':to': role, ':from': target.role },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: personKey(target.sub, orgId),
            UpdateExpression: 'SET #role = :to',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':to': role },
          },
        },
        this.ownerCountUpdate(orgId, ownerDelta, 0),
      ]);
      return { ...target, role };
    });
  }

  /**
   * Removes `memberSub` on behalf of `actor` (see `removalRefusal`); when they
   * are the same person, they leave, which anyone may. The last owner can do
   * neither to themselves (LAST_OWNER).
   */
  async remove(actor: string, orgId: string, memberSub: string): Promise<MemberRecord> {
    return this.retrying(async () => {
      const { org, me } = await this.acting(orgId, actor);
      const target = memberSub === actor ? me : await this.membership(orgId, memberSub);
      if (!target) throw new OrganisationError('MEMBER_NOT_FOUND', 'The organisation has no such member.');
      if (target.sub !== actor) refuse(removalRefusal(me.role, target.role));
      const ownerDelta = target.role === 'owner' ? -1 : 0;
      if (ownerDelta < 0 && org.ownerCount <= 1) throw lastOwner();
      await this.transact([
        ...(target.sub === actor ? [] : [this.roleCheck(orgId, me)]),
        {
          Delete: {
            TableName: this.tableName,
            Key: memberKey(orgId, target.sub),
            ConditionExpression: '#role = :from',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':from': target.role },
          },
        },
        { Delete: { TableName: this.tableName, Key: personKey(target.sub, orgId) } },
        this.ownerCountUpdate(orgId, ownerDelta, -1),
      ]);
      return target;
    });
  }

  // ---------- the parts ----------

  /** The organisation and the acting person's membership; ORGANISATION_NOT_FOUND for anyone who is not a member. */
  private async acting(orgId: string, actor: string): Promise<{ org: OrganisationRecord; me: MemberRecord }> {
    const [org, me] = await Promise.all([this.get(orgId), this.membership(orgId, actor)]);
    if (!org || !me) throw notFound();
    return { org, me };
  }

  /** A pending invitation of the organisation the actor may manage (the rights of inviting its role). */
  private async pendingInvitation(orgId: string, invitationId: string, actorRole: OrganisationRole): Promise<InvitationRecord> {
    const item = await this.read(invitationKey(orgId, invitationId));
    const invitation = item && toInvitation(item);
    if (!invitation || invitation.status !== 'PENDING') throw new OrganisationError('INVITATION_NOT_FOUND', 'The organisation has no pending invitation with this ID.');
    refuse(inviteRefusal(actorRole, invitation.role));
    return invitation;
  }

  /** The invitation of a token, if its link still works; otherwise why not. */
  private async live(tokenHash: string): Promise<InvitationRecord> {
    const invitation = await this.invitationByToken(tokenHash);
    const refusal = invitation ? tokenRefusal(invitation, tokenHash, this.now()) : new OrganisationError('INVITATION_NOT_FOUND', 'This invitation link is not valid. Check that you opened the whole link from the e-mail.');
    if (refusal) throw refusal;
    return invitation!;
  }

  /** The acting person still holds the role their rights were checked with. */
  private roleCheck(orgId: string, me: MemberRecord): TransactItems[number] {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: memberKey(orgId, me.sub),
        ConditionExpression: '#role = :role',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':role': me.role },
      },
    };
  }

  /** Ends a pending invitation; through its token (`byToken`), only while that token is current and unexpired. */
  private answer(invitation: InvitationRecord, status: Exclude<InvitationStatus, 'PENDING'>, by: string, at: string, byToken: boolean): TransactItems[number] {
    return {
      Update: {
        TableName: this.tableName,
        Key: invitationKey(invitation.orgId, invitation.invitationId),
        UpdateExpression: 'SET #status = :to, answeredBy = :by, answeredAt = :at',
        ConditionExpression: byToken ? '#status = :pending AND tokenHash = :hash AND validUntil > :at' : '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': status, ':by': by, ':at': at, ':pending': 'PENDING', ...(byToken && { ':hash': invitation.tokenHash }) },
      },
    };
  }

  private releaseInvitee(invitation: InvitationRecord): TransactItems[number] {
    return {
      Delete: {
        TableName: this.tableName,
        Key: inviteeKey(invitation.orgId, invitation.email),
        ConditionExpression: 'invitationId = :id',
        ExpressionAttributeValues: { ':id': invitation.invitationId },
      },
    };
  }

  private membershipPuts(org: OrganisationRecord, member: MemberRecord): TransactItems {
    return [
      { Put: { TableName: this.tableName, Item: { ...memberKey(org.orgId, member.sub), ...member }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...personKey(member.sub, org.orgId), orgId: org.orgId, name: org.name, role: member.role, walletId: org.walletId, joinedAt: member.joinedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }

  /** Moves the counters; taking an owner away is conditioned on another owner remaining. */
  private ownerCountUpdate(orgId: string, ownerDelta: number, memberDelta: number): TransactItems[number] {
    return {
      Update: {
        TableName: this.tableName,
        Key: orgKey(orgId),
        UpdateExpression: 'ADD ownerCount :owners, memberCount :members',
        ConditionExpression: ownerDelta < 0 ? 'attribute_exists(pk) AND ownerCount > :one' : 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':owners': ownerDelta, ':members': memberDelta, ...(ownerDelta < 0 && { ':one': 1 }) },
      },
    };
  }

  /** Runs a read-decide-write step again after a concurrent change made its transaction fail, so it decides on what is there now. */
  private async retrying<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!collided(error) || attempt + 1 >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }

  private async transact(items: TransactItems): Promise<void> {
    await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
  }

  private async read(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  private queryAll(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    });
  }
}

/** Why a token no longer works (undefined while it does). Shared with the in-memory fake. */
export function tokenRefusal(invitation: InvitationRecord, tokenHash: string, now: Date): OrganisationError | undefined {
  if (invitation.status === 'ACCEPTED' || invitation.status === 'DECLINED') return new OrganisationError('INVITATION_USED', 'This invitation has been answered already; each link works once.');
  if (invitation.status === 'REVOKED') return new OrganisationError('INVITATION_REVOKED', 'This invitation was withdrawn by the organisation.');
  if (invitation.tokenHash !== tokenHash) return new OrganisationError('INVITATION_REVOKED', 'This link was replaced by a newer invitation e-mail; use the link in the latest one.');
  if (Date.parse(invitation.validUntil) <= now.getTime()) return new OrganisationError('INVITATION_EXPIRED', 'This invitation has expired; ask the organisation to send it again.');
  return undefined;
}

function refuse(refusal: RoleRefusal | undefined): void {
  if (refusal) throw new OrganisationError(refusal.code, refusal.message);
}

const lastOwner = () => new OrganisationError('LAST_OWNER', 'An organisation always keeps an owner: make someone else an owner first.');

const ttlOf = (validUntil: Date) => Math.floor(validUntil.getTime() / 1000) + KEEP_AFTER_EXPIRY_DAYS * 24 * 60 * 60;

function toMember(item: Record<string, unknown>): MemberRecord {
  const { orgId, sub, email, role, joinedAt } = item as unknown as MemberRecord;
  return { orgId, sub, ...(email !== undefined && { email }), role, joinedAt };
}

function toInvitation(item: Record<string, unknown>): InvitationRecord {
  const { invitationId, orgId, organisationName, email, role, invitedBy, invitedByEmail, createdAt, validUntil, tokenHash, status, answeredBy, answeredAt } = item as unknown as InvitationRecord;
  return {
    invitationId,
    orgId,
    organisationName,
    email,
    role,
    invitedBy,
    ...(invitedByEmail !== undefined && { invitedByEmail }),
    createdAt,
    validUntil,
    tokenHash,
    status,
    ...(answeredBy !== undefined && { answeredBy }),
    ...(answeredAt !== undefined && { answeredAt }),
  };
}
