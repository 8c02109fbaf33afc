import '../../helpers/env';
import { randomUUID } from 'node:crypto';
import { acceptInvitationHandler } from '#functions/organisations/accept-invitation.handler';
import { declineInvitationHandler } from '#functions/organisations/decline-invitation.handler';
import { previewInvitationHandler } from '#functions/organisations/preview-invitation.handler';
import { newInvitationToken } from '#functions/organisations/tokens';
import { invoke, makeEvent } from '../../helpers/events';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { claimsOf, FakePeople, seededOrganisation } from '../../helpers/organisation-fakes';

describe('Functions: PreviewInvitation, AcceptInvitation, DeclineInvitation', () => {
  let clock: number;
  let store: FakeOrganisationStore;
  let people: FakePeople;
  let orgId: string;
  let owner: { sub: string };
  let invitee: string;
  let token: string;
  let invitationId: string;

  beforeEach(async () => {
    clock = Date.parse('2030-01-01T00:00:00.000Z');
    store = new FakeOrganisationStore(() => new Date(clock));
    ({ orgId, owner } = await seededOrganisation(store));
    invitee = randomUUID();
    people = new FakePeople().set(invitee, 'Invited@Example.com').set(owner.sub, 'owner@example.com');
    const fresh = newInvitationToken();
    token = fresh.token;
    invitationId = (await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: 'invited@example.com', role: 'admin', tokenHash: fresh.hash })).invitationId;
    store.calls.length = 0;
  });

  const deps = () => ({ organisations: store, people, now: () => new Date(clock) });
  const call = (route: string, sub: string, body: unknown) => makeEvent({ routeKey: `POST /v1/invitations/${route}`, claims: claimsOf(sub), body });

  describe('Function: PreviewInvitation', () => {
    it('shows the organisation, the role and that the link is for the invited person', async () => {
      // Act
      const response = await invoke(previewInvitationHandler(deps()), call('preview', invitee, { token }));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.body).toEqual({ organisationName: 'Acme Team', role: 'admin', email: 'invited@example.com', invitedByEmail: 'owner@example.com', expiresAt: '2030-01-08T00:00:00.000Z', forYou: true });
    });

    it('tells someone else the link is not theirs, changing nothing', async () => {
      // Act
      const response = await invoke(previewInvitationHandler(deps()), call('preview', owner.sub, { token }));

      // Assess
      expect(response.body).toMatchObject({ forYou: false });
      expect(store.peek(orgId)!.pendingCount).toBe(1);
    });
  });

  describe('Function: AcceptInvitation', () => {
    it('joins the invited person in the invited role; the same link then answers 410 INVITATION_USED', async () => {
      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));
      const again = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { orgId, name: 'Acme Team', role: 'admin', walletId: orgId } });
      expect(await store.membership(orgId, invitee)).toMatchObject({ role: 'admin', email: 'invited@example.com' });
      expect(again).toMatchObject({ statusCode: 410, body: { code: 'INVITATION_USED' } });
    });

    it('answers 410 INVITATION_EXPIRED after 7 days', async () => {
      // Prepare
      clock += 7 * 24 * 3600_000;

      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 410, body: { code: 'INVITATION_EXPIRED' } });
      expect(await store.membership(orgId, invitee)).toBeUndefined();
    });

    it('answers 410 INVITATION_REVOKED for a revoked invitation', async () => {
      // Prepare
      await store.revoke(owner.sub, orgId, invitationId);

      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 410, body: { code: 'INVITATION_REVOKED' } });
    });

    it('answers 410 INVITATION_REVOKED for the old link of a resent invitation', async () => {
      // Prepare
      await store.resend(owner.sub, orgId, invitationId, newInvitationToken().hash);

      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 410, body: { code: 'INVITATION_REVOKED' } });
    });

    it("answers 403 INVITATION_FOR_SOMEONE_ELSE to a person whose e-mail is not the invited address, who does not join", async () => {
      // Prepare
      const stranger = randomUUID();
      people.set(stranger, 'stranger@example.com');

      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', stranger, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 403, body: { code: 'INVITATION_FOR_SOMEONE_ELSE' } });
      expect(await store.membership(orgId, stranger)).toBeUndefined();
      expect((await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }))).statusCode).toBe(200);
    });

    it('answers 403 EMAIL_NOT_VERIFIED to the invited address while it is unverified', async () => {
      // Prepare
      people.set(invitee, 'invited@example.com', false);

      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 403, body: { code: 'EMAIL_NOT_VERIFIED' } });
    });

    it('answers 404 INVITATION_NOT_FOUND for a well-formed token nobody issued', async () => {
      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token: newInvitationToken().token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 404, body: { code: 'INVITATION_NOT_FOUND' } });
    });

    it.each([
      ['a short token', { token: 'abc' }],
      ['a token with padding', { token: `${'a'.repeat(42)}=` }],
      ['no token', {}],
      ['a number', { token: 42 }],
    ])('answers 400 VALIDATION_FAILED for %s, reading nothing', async (_, body) => {
      // Act
      const response = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, body));

      // Assess
      expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(store.calls).toEqual([]);
    });
  });

  describe('Function: DeclineInvitation', () => {
    it('declines for the invited person; the link then answers 410 INVITATION_USED', async () => {
      // Act
      const response = await invoke(declineInvitationHandler(deps()), call('decline', invitee, { token }));
      const accept = await invoke(acceptInvitationHandler(deps()), call('accept', invitee, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { status: 'declined' } });
      expect(accept).toMatchObject({ statusCode: 410, body: { code: 'INVITATION_USED' } });
      expect(await store.membership(orgId, invitee)).toBeUndefined();
    });

    it('refuses someone else (403), leaving the invitation pending', async () => {
      // Act
      const response = await invoke(declineInvitationHandler(deps()), call('decline', owner.sub, { token }));

      // Assess
      expect(response).toMatchObject({ statusCode: 403, body: { code: 'INVITATION_FOR_SOMEONE_ELSE' } });
      expect(await store.invitations(orgId)).toHaveLength(1);
    });
  });
});
