import { randomUUID } from 'node:crypto';
import { OrganisationError, type Organisations } from '#functions/organisations/organisation-store';
import { hashToken, newInvitationToken } from '#functions/organisations/tokens';
import type { OrganisationRole } from '#shared/organisations';

/**
 * The observable behaviour of the organisation store, as handlers rely on it.
 * It runs against `OrganisationStore` on DynamoDB Local
 * (test/stores/organisation-store.test.ts) and against the in-memory fake
 * handler tests use (test/unit/helpers/fake-organisation-store.test.ts).
 * `openStore` gets the clock the store must use, so tests can move past expiry.
 */
export function describeOrganisationsBehaviour(openStore: (now: () => Date) => Organisations): void {
  let store: Organisations;
  let clock: number;

  beforeEach(() => {
    clock = Date.parse('2030-01-01T00:00:00.000Z');
    store = openStore(() => new Date(clock));
  });

  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
  const refusedWith = async (promise: Promise<unknown>, reason: string) => {
    const error = await rejection(promise);
    expect(error).toBeInstanceOf(OrganisationError);
    expect(error).toMatchObject({ reason });
  };
  const person = () => {
    const sub = randomUUID();
    return { sub, email: `p-${sub.slice(0, 8)}@example.com` };
  };

  async function newOrganisation(owner = person()) {
    const orgId = randomUUID();
    await store.create({ orgId, name: `Team ${orgId.slice(0, 4)}`, walletId: orgId, owner });
    return { orgId, owner };
  }

  /** Invites a new person as `role` (by `actor`) and answers the token; nobody accepts yet. */
  async function invited(orgId: string, actor: string, role: OrganisationRole = 'member') {
    const who = person();
    const { token, hash } = newInvitationToken();
    const invitation = await store.invite(actor, { orgId, invitationId: randomUUID(), email: who.email, role, tokenHash: hash });
    return { who, token, hash, invitation };
  }

  /** A new person who joined as `role`. */
  async function joined(orgId: string, actor: string, role: OrganisationRole = 'member') {
    const { who, hash } = await invited(orgId, actor, role);
    await store.accept(hash, who);
    return who;
  }

  describe('Creating and reading', () => {
    it('makes the creator the only owner, with the counters at one', async () => {
      // Act
      const { orgId, owner } = await newOrganisation();

      // Assess
      expect(await store.get(orgId)).toMatchObject({ orgId, walletId: orgId, createdBy: owner.sub, memberCount: 1, ownerCount: 1, pendingCount: 0 });
      expect(await store.membership(orgId, owner.sub)).toMatchObject({ role: 'owner', email: owner.email });
      expect(await store.organisationsOf(owner.sub)).toEqual([expect.objectContaining({ orgId, role: 'owner', walletId: orgId })]);
    });

    it('knows nothing of a stranger', async () => {
      // Prepare
      const { orgId } = await newOrganisation();

      // Act & Assess
      expect(await store.membership(orgId, randomUUID())).toBeUndefined();
      expect(await store.organisationsOf(randomUUID())).toEqual([]);
      expect(await store.get(randomUUID())).toBeUndefined();
    });

    it('lists members owners first, then admins, then members', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const member = await joined(orgId, owner.sub, 'member');
      const admin = await joined(orgId, owner.sub, 'admin');

      // Act
      const members = await store.members(orgId);

      // Assess
      expect(members.map((m) => [m.sub, m.role])).toEqual([
        [owner.sub, 'owner'],
        [admin.sub, 'admin'],
        [member.sub, 'member'],
      ]);
    });
  });

  describe('Invitations', () => {
    it('stores the hash of the token, never the token, and counts it pending', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();

      // Act
      const { invitation, token, hash } = await invited(orgId, owner.sub, 'admin');

      // Assess
      expect(invitation).toMatchObject({ orgId, role: 'admin', status: 'PENDING', tokenHash: hash, invitedBy: owner.sub, invitedByEmail: owner.email, validUntil: '2030-01-08T00:00:00.000Z' });
      expect(JSON.stringify(invitation)).not.toContain(token);
      expect(await store.invitations(orgId)).toEqual([invitation]);
      expect(await store.invitationByToken(hash)).toEqual(invitation);
      expect((await store.get(orgId))!.pendingCount).toBe(1);
    });

    it('refuses members (ORGANISATION_ADMIN_REQUIRED), an admin inviting an owner (ORGANISATION_OWNER_REQUIRED) and strangers (ORGANISATION_NOT_FOUND)', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const member = await joined(orgId, owner.sub, 'member');
      const admin = await joined(orgId, owner.sub, 'admin');

      // Act & Assess
      await refusedWith(invited(orgId, member.sub, 'member'), 'ORGANISATION_ADMIN_REQUIRED');
      await refusedWith(invited(orgId, admin.sub, 'owner'), 'ORGANISATION_OWNER_REQUIRED');
      await refusedWith(invited(orgId, randomUUID(), 'member'), 'ORGANISATION_NOT_FOUND');
      expect((await invited(orgId, admin.sub, 'admin')).invitation.role).toBe('admin');
      expect((await store.get(orgId))!.pendingCount).toBe(1);
    });

    it('refuses a second invitation to the same address (INVITATION_PENDING) and a member\'s address (ALREADY_MEMBER)', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const { who } = await invited(orgId, owner.sub);

      // Act & Assess
      await refusedWith(store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: who.email, role: 'admin', tokenHash: hashToken('x') }), 'INVITATION_PENDING');
      await refusedWith(store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: owner.email, role: 'member', tokenHash: hashToken('y') }), 'ALREADY_MEMBER');
      expect(await store.invitations(orgId)).toHaveLength(1);
    });

    it('revokes: the link stops working, the address may be invited again', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const { who, hash, invitation } = await invited(orgId, owner.sub);

      // Act
      await store.revoke(owner.sub, orgId, invitation.invitationId);

      // Assess
      await refusedWith(store.accept(hash, who), 'INVITATION_REVOKED');
      expect(await store.invitations(orgId)).toEqual([]);
      expect((await store.get(orgId))!.pendingCount).toBe(0);
      await refusedWith(store.revoke(owner.sub, orgId, invitation.invitationId), 'INVITATION_NOT_FOUND');
      await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: who.email, role: 'member', tokenHash: newInvitationToken().hash });
    });

    it('resends with a new token and 7 more days: the old token is refused, the new one works', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const { who, hash: old, invitation } = await invited(orgId, owner.sub);
      clock += 6 * 24 * 3600_000;
      const fresh = newInvitationToken();

      // Act
      const resent = await store.resend(owner.sub, orgId, invitation.invitationId, fresh.hash);
      clock += 2 * 24 * 3600_000;

      // Assess
      expect(resent).toMatchObject({ invitationId: invitation.invitationId, tokenHash: fresh.hash, validUntil: '2030-01-14T00:00:00.000Z' });
      await refusedWith(store.accept(old, who), 'INVITATION_REVOKED');
      expect(await store.accept(fresh.hash, who)).toMatchObject({ orgId, role: 'member' });
    });

    it('lets only those who may invite the role revoke or resend it', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const admin = await joined(orgId, owner.sub, 'admin');
      const member = await joined(orgId, owner.sub, 'member');
      const forOwner = await invited(orgId, owner.sub, 'owner');
      const forMember = await invited(orgId, owner.sub, 'member');

      // Act & Assess
      await refusedWith(store.revoke(admin.sub, orgId, forOwner.invitation.invitationId), 'ORGANISATION_OWNER_REQUIRED');
      await refusedWith(store.resend(member.sub, orgId, forMember.invitation.invitationId, newInvitationToken().hash), 'ORGANISATION_ADMIN_REQUIRED');
      await refusedWith(store.revoke(randomUUID(), orgId, forMember.invitation.invitationId), 'ORGANISATION_NOT_FOUND');
      await store.revoke(admin.sub, orgId, forMember.invitation.invitationId);
    });
  });

  describe('Answering an invitation', () => {
    it('accepts once: the person joins in the invited role, the counters move, the link is then used', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const { who, hash } = await invited(orgId, owner.sub, 'owner');

      // Act
      const summary = await store.accept(hash, who);

      // Assess
      expect(summary).toMatchObject({ orgId, role: 'owner', walletId: orgId });
      expect(await store.membership(orgId, who.sub)).toMatchObject({ role: 'owner', email: who.email });
      expect(await store.get(orgId)).toMatchObject({ memberCount: 2, ownerCount: 2, pendingCount: 0 });
      expect(await store.organisationsOf(who.sub)).toEqual([expect.objectContaining({ orgId, role: 'owner' })]);
      await refusedWith(store.accept(hash, who), 'INVITATION_USED');
      expect((await store.invitationByToken(hash))!.status).toBe('ACCEPTED');
    });

    it('refuses an expired link, and accepts one just before it expires', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const late = await invited(orgId, owner.sub);
      const onTime = await invited(orgId, owner.sub);

      // Act
      clock += 7 * 24 * 3600_000 - 1;
      await store.accept(onTime.hash, onTime.who);
      clock += 1;

      // Assess
      await refusedWith(store.accept(late.hash, late.who), 'INVITATION_EXPIRED');
      await refusedWith(store.decline(late.hash, late.who), 'INVITATION_EXPIRED');
      expect(await store.membership(orgId, late.who.sub)).toBeUndefined();
    });

    it('refuses a token that matches no invitation (INVITATION_NOT_FOUND)', async () => {
      // Act & Assess
      await refusedWith(store.accept(newInvitationToken().hash, person()), 'INVITATION_NOT_FOUND');
      expect(await store.invitationByToken(newInvitationToken().hash)).toBeUndefined();
    });

    it('declines once: nobody joins, the link is then used', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const { who, hash } = await invited(orgId, owner.sub);

      // Act
      await store.decline(hash, who);

      // Assess
      await refusedWith(store.accept(hash, who), 'INVITATION_USED');
      expect(await store.get(orgId)).toMatchObject({ memberCount: 1, pendingCount: 0 });
      expect(await store.invitations(orgId)).toEqual([]);
    });

    it('refuses someone who is a member already (ALREADY_MEMBER) and keeps the invitation pending', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const member = await joined(orgId, owner.sub);
      const { hash } = await invited(orgId, owner.sub);

      // Act & Assess
      await refusedWith(store.accept(hash, member), 'ALREADY_MEMBER');
      expect((await store.invitationByToken(hash))!.status).toBe('PENDING');
    });

    it('lets one of two concurrent acceptances of the same link through', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const { who, hash } = await invited(orgId, owner.sub);

      // Act
      const results = await Promise.allSettled([store.accept(hash, who), store.accept(hash, who)]);

      // Assess
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.get(orgId)).toMatchObject({ memberCount: 2, pendingCount: 0 });
    });
  });

  describe('Roles', () => {
    it('lets an owner make someone an owner (several owners), then step down to admin', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const member = await joined(orgId, owner.sub);

      // Act
      await store.changeRole(owner.sub, orgId, member.sub, 'owner');
      const steppedDown = await store.changeRole(owner.sub, orgId, owner.sub, 'admin');

      // Assess
      expect(steppedDown.role).toBe('admin');
      expect(await store.get(orgId)).toMatchObject({ ownerCount: 1, memberCount: 2 });
      expect(await store.organisationsOf(member.sub)).toEqual([expect.objectContaining({ role: 'owner' })]);
      expect(await store.organisationsOf(owner.sub)).toEqual([expect.objectContaining({ role: 'admin' })]);
    });

    it('never lets the last owner step down (LAST_OWNER)', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();

      // Act & Assess
      await refusedWith(store.changeRole(owner.sub, orgId, owner.sub, 'admin'), 'LAST_OWNER');
      expect(await store.membership(orgId, owner.sub)).toMatchObject({ role: 'owner' });
    });

    it('lets admins change admins and members, never owners or to owner; members change nobody', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const admin = await joined(orgId, owner.sub, 'admin');
      const member = await joined(orgId, owner.sub, 'member');

      // Act & Assess
      await refusedWith(store.changeRole(admin.sub, orgId, owner.sub, 'admin'), 'ORGANISATION_OWNER_REQUIRED');
      await refusedWith(store.changeRole(admin.sub, orgId, member.sub, 'owner'), 'ORGANISATION_OWNER_REQUIRED');
      await refusedWith(store.changeRole(member.sub, orgId, member.sub, 'admin'), 'ORGANISATION_ADMIN_REQUIRED');
      await refusedWith(store.changeRole(randomUUID(), orgId, member.sub, 'admin'), 'ORGANISATION_NOT_FOUND');
      await refusedWith(store.changeRole(owner.sub, orgId, randomUUID(), 'admin'), 'MEMBER_NOT_FOUND');
      expect((await store.changeRole(admin.sub, orgId, member.sub, 'admin')).role).toBe('admin');
    });

    it('keeps one owner when two owners demote each other at once', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const other = await joined(orgId, owner.sub, 'owner');

      // Act
      const results = await Promise.allSettled([store.changeRole(owner.sub, orgId, other.sub, 'member'), store.changeRole(other.sub, orgId, owner.sub, 'member')]);

      // Assess
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const roles = (await store.members(orgId)).map((m) => m.role).sort();
      expect(roles).toEqual(['member', 'owner']);
      expect((await store.get(orgId))!.ownerCount).toBe(1);
    });
  });

  describe('Removing and leaving', () => {
    it('lets an admin remove a member, never an owner; members remove nobody', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const admin = await joined(orgId, owner.sub, 'admin');
      const member = await joined(orgId, owner.sub, 'member');
      const other = await joined(orgId, owner.sub, 'member');

      // Act & Assess
      await refusedWith(store.remove(member.sub, orgId, other.sub), 'ORGANISATION_ADMIN_REQUIRED');
      await refusedWith(store.remove(admin.sub, orgId, owner.sub), 'ORGANISATION_OWNER_REQUIRED');
      await store.remove(admin.sub, orgId, member.sub);
      expect(await store.membership(orgId, member.sub)).toBeUndefined();
      expect(await store.organisationsOf(member.sub)).toEqual([]);
      expect((await store.get(orgId))!.memberCount).toBe(3);
      await refusedWith(store.remove(owner.sub, orgId, member.sub), 'MEMBER_NOT_FOUND');
    });

    it('lets anyone leave but the last owner', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const member = await joined(orgId, owner.sub, 'member');

      // Act
      await store.remove(member.sub, orgId, member.sub);

      // Assess
      await refusedWith(store.remove(owner.sub, orgId, owner.sub), 'LAST_OWNER');
      expect(await store.get(orgId)).toMatchObject({ memberCount: 1, ownerCount: 1 });
      await refusedWith(store.remove(member.sub, orgId, member.sub), 'ORGANISATION_NOT_FOUND');
    });

    it('lets an owner leave once another owner remains', async () => {
      // Prepare
      const { orgId, owner } = await newOrganisation();
      const other = await joined(orgId, owner.sub, 'owner');

      // Act
      await store.remove(owner.sub, orgId, owner.sub);

      // Assess
      expect(await store.get(orgId)).toMatchObject({ memberCount: 1, ownerCount: 1 });
      await refusedWith(store.remove(other.sub, orgId, other.sub), 'LAST_OWNER');
    });
  });
}
