import '../../helpers/env';
import { randomUUID } from 'node:crypto';
import { leaveOrganisationHandler } from '#functions/organisations/leave-organisation.handler';
import { removeMemberHandler } from '#functions/organisations/remove-member.handler';
import { updateMemberHandler } from '#functions/organisations/update-member.handler';
import { invoke, makeEvent } from '../../helpers/events';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { claimsOf, seededOrganisation } from '../../helpers/organisation-fakes';

describe('Functions: UpdateMember, RemoveMember, LeaveOrganisation', () => {
  let store: FakeOrganisationStore;
  let orgId: string;
  let owner: { sub: string };
  let admin: { sub: string };
  let member: { sub: string };

  beforeEach(async () => {
    store = new FakeOrganisationStore();
    const seeded = await seededOrganisation(store, ['admin', 'member']);
    ({ orgId, owner } = seeded);
    admin = seeded.others[0]!;
    member = seeded.others[1]!;
  });

  const put = (sub: string, memberSub: string, body: unknown) =>
    makeEvent({ routeKey: 'PUT /v1/organisations/{orgId}/members/{memberSub}', pathParameters: { orgId, memberSub }, claims: claimsOf(sub), body });
  const remove = (sub: string, memberSub: string) => makeEvent({ routeKey: 'DELETE /v1/organisations/{orgId}/members/{memberSub}', pathParameters: { orgId, memberSub }, claims: claimsOf(sub) });
  const leave = (sub: string) => makeEvent({ routeKey: 'POST /v1/organisations/{orgId}/leave', pathParameters: { orgId }, claims: claimsOf(sub) });

  describe('Function: UpdateMember', () => {
    const handler = () => updateMemberHandler({ organisations: store });

    it('lets the owner transfer ownership: the new owner, then the old one steps down', async () => {
      // Act
      const promoted = await invoke(handler(), put(owner.sub, member.sub, { role: 'owner' }));
      const steppedDown = await invoke(handler(), put(owner.sub, owner.sub, { role: 'admin' }));

      // Assess
      expect(promoted).toMatchObject({ statusCode: 200, body: { sub: member.sub, role: 'owner' } });
      expect(steppedDown).toMatchObject({ statusCode: 200, body: { sub: owner.sub, role: 'admin' } });
      expect(store.peek(orgId)!.ownerCount).toBe(1);
    });

    it('answers 409 LAST_OWNER when the only owner steps down', async () => {
      // Act
      const response = await invoke(handler(), put(owner.sub, owner.sub, { role: 'member' }));

      // Assess
      expect(response).toMatchObject({ statusCode: 409, body: { code: 'LAST_OWNER' } });
    });

    it.each([
      ['an admin changes the owner', () => put(admin.sub, owner.sub, { role: 'member' }), 403, 'ORGANISATION_OWNER_REQUIRED'],
      ['an admin makes someone an owner', () => put(admin.sub, member.sub, { role: 'owner' }), 403, 'ORGANISATION_OWNER_REQUIRED'],
      ['a member promotes themselves', () => put(member.sub, member.sub, { role: 'admin' }), 403, 'ORGANISATION_ADMIN_REQUIRED'],
      ['an outsider changes anyone', () => put(randomUUID(), member.sub, { role: 'admin' }), 404, 'ORGANISATION_NOT_FOUND'],
      ['the member is not in it', () => put(owner.sub, randomUUID(), { role: 'admin' }), 404, 'MEMBER_NOT_FOUND'],
      ['the role is unknown', () => put(owner.sub, member.sub, { role: 'king' }), 400, 'VALIDATION_FAILED'],
    ])('refuses when %s', async (_, event, status, code) => {
      // Act
      const response = await invoke(handler(), event());

      // Assess
      expect(response).toMatchObject({ statusCode: status, body: { code } });
      expect((await store.membership(orgId, member.sub))!.role).toBe('member');
    });

    it('lets an admin make a member an admin', async () => {
      // Act
      const response = await invoke(handler(), put(admin.sub, member.sub, { role: 'admin' }));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { role: 'admin' } });
    });
  });

  describe('Function: RemoveMember', () => {
    const handler = () => removeMemberHandler({ organisations: store });

    it('lets an admin remove a member', async () => {
      // Act
      const response = await invoke(handler(), remove(admin.sub, member.sub));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { sub: member.sub, removed: true } });
      expect(await store.membership(orgId, member.sub)).toBeUndefined();
    });

    it.each([
      ['an admin removes the owner', () => remove(admin.sub, owner.sub), 403, 'ORGANISATION_OWNER_REQUIRED'],
      ['a member removes an admin', () => remove(member.sub, admin.sub), 403, 'ORGANISATION_ADMIN_REQUIRED'],
      ['an outsider removes a member', () => remove(randomUUID(), member.sub), 404, 'ORGANISATION_NOT_FOUND'],
      ['the owner removes themselves, the last owner', () => remove(owner.sub, owner.sub), 409, 'LAST_OWNER'],
    ])('refuses when %s', async (_, event, status, code) => {
      // Act
      const response = await invoke(handler(), event());

      // Assess
      expect(response).toMatchObject({ statusCode: status, body: { code } });
      expect(store.peek(orgId)!.memberCount).toBe(3);
    });
  });

  describe('Function: LeaveOrganisation', () => {
    const handler = () => leaveOrganisationHandler({ organisations: store });

    it('lets a member leave', async () => {
      // Act
      const response = await invoke(handler(), leave(member.sub));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { orgId, left: true } });
      expect(await store.organisationsOf(member.sub)).toEqual([]);
    });

    it('answers 409 LAST_OWNER to the last owner, and 404 to someone outside it', async () => {
      // Act & Assess
      expect(await invoke(handler(), leave(owner.sub))).toMatchObject({ statusCode: 409, body: { code: 'LAST_OWNER' } });
      expect(await invoke(handler(), leave(randomUUID()))).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
    });
  });
});
