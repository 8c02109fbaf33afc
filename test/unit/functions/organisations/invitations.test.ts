import '../../helpers/env';
import { randomUUID } from 'node:crypto';
import { createInvitationHandler } from '#functions/organisations/create-invitation.handler';
import { listInvitationsHandler } from '#functions/organisations/list-invitations.handler';
import { resendInvitationHandler } from '#functions/organisations/resend-invitation.handler';
import { revokeInvitationHandler } from '#functions/organisations/revoke-invitation.handler';
import { hashToken } from '#functions/organisations/tokens';
import { invoke, makeEvent } from '../../helpers/events';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { claimsOf, FakeMailer, seededOrganisation, SITE_URL } from '../../helpers/organisation-fakes';

const invite = (orgId: string, sub: string, body: unknown) => makeEvent({ routeKey: 'POST /v1/organisations/{orgId}/invitations', pathParameters: { orgId }, claims: claimsOf(sub), body });

describe('Function: CreateInvitation', () => {
  let store: FakeOrganisationStore;
  let mailer: FakeMailer;
  let handler: ReturnType<typeof createInvitationHandler>;

  beforeEach(() => {
    store = new FakeOrganisationStore(() => new Date('2030-01-01T12:00:00.000Z'));
    mailer = new FakeMailer();
    handler = createInvitationHandler({ organisations: store, mailer, siteUrl: SITE_URL, now: () => new Date('2030-01-01T12:00:00.000Z') });
  });

  it('answers 201 with the invitation (no token) and e-mails a link whose token only the hash in the store matches', async () => {
    // Prepare
    const { orgId, owner } = await seededOrganisation(store);

    // Act
    const response = await invoke(handler, invite(orgId, owner.sub, { email: ' New.Person@Example.com ', role: 'admin' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({
      invitationId: expect.any(String),
      orgId,
      email: 'new.person@example.com',
      role: 'admin',
      invitedBy: owner.sub,
      createdAt: '2030-01-01T12:00:00.000Z',
      expiresAt: '2030-01-08T12:00:00.000Z',
      expired: false,
    });
    expect(mailer.sent).toEqual([expect.objectContaining({ to: 'new.person@example.com', subject: 'owner@example.com invited you to Acme Team on Headshot Studio' })]);
    const token = mailer.lastToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mailer.sent[0]!.text).toContain(`${SITE_URL}/#/invitations/${token}`);
    expect(JSON.stringify(response.body)).not.toContain(token);
    expect(await store.invitationByToken(hashToken(token))).toMatchObject({ email: 'new.person@example.com', status: 'PENDING' });
  });

  it('answers 403 ORGANISATION_ADMIN_REQUIRED to a member, sending nothing', async () => {
    // Prepare
    const { orgId, others } = await seededOrganisation(store, ['member']);

    // Act
    const response = await invoke(handler, invite(orgId, others[0]!.sub, { email: 'x@example.com', role: 'member' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_ADMIN_REQUIRED' } });
    expect(mailer.sent).toEqual([]);
  });

  it('answers 403 ORGANISATION_OWNER_REQUIRED to an admin inviting an owner', async () => {
    // Prepare
    const { orgId, others } = await seededOrganisation(store, ['admin']);

    // Act
    const response = await invoke(handler, invite(orgId, others[0]!.sub, { email: 'x@example.com', role: 'owner' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_OWNER_REQUIRED' } });
  });

  it('answers 404 ORGANISATION_NOT_FOUND to someone outside it', async () => {
    // Prepare
    const { orgId } = await seededOrganisation(store);

    // Act
    const response = await invoke(handler, invite(orgId, randomUUID(), { email: 'x@example.com', role: 'member' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
  });

  it('answers 409 INVITATION_PENDING for an address with a pending invitation', async () => {
    // Prepare
    const { orgId, owner } = await seededOrganisation(store);
    await invoke(handler, invite(orgId, owner.sub, { email: 'x@example.com', role: 'member' }));

    // Act
    const response = await invoke(handler, invite(orgId, owner.sub, { email: 'X@example.com', role: 'member' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 409, body: { code: 'INVITATION_PENDING' } });
    expect(mailer.sent).toHaveLength(1);
  });

  it.each([
    ['a bad address', { email: 'not-an-address', role: 'member' }],
    ['an unknown role', { email: 'x@example.com', role: 'boss' }],
    ['no role', { email: 'x@example.com' }],
  ])('answers 400 VALIDATION_FAILED for %s', async (_, body) => {
    // Prepare
    const { orgId, owner } = await seededOrganisation(store);

    // Act
    const response = await invoke(handler, invite(orgId, owner.sub, body));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(store.calls).toEqual([]);
  });

  it('answers 503 MAIL_NOT_SENT and withdraws the invitation when the e-mail cannot be sent', async () => {
    // Prepare
    const { orgId, owner } = await seededOrganisation(store);
    mailer.failure = new Error('MessageRejected');

    // Act
    const response = await invoke(handler, invite(orgId, owner.sub, { email: 'x@example.com', role: 'member' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 503, body: { code: 'MAIL_NOT_SENT' } });
    expect(await store.invitations(orgId)).toEqual([]);
    expect(store.peek(orgId)!.pendingCount).toBe(0);
  });

  it('answers 500 before writing anything when the site URL is not configured', async () => {
    // Prepare
    const { orgId, owner } = await seededOrganisation(store);
    handler = createInvitationHandler({ organisations: store, mailer, siteUrl: undefined });

    // Act
    const response = await invoke(handler, invite(orgId, owner.sub, { email: 'x@example.com', role: 'member' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(store.calls.map((c) => c.method)).toEqual(['membership']);
  });
});

describe('Functions: ListInvitations, RevokeInvitation, ResendInvitation', () => {
  let store: FakeOrganisationStore;
  let mailer: FakeMailer;
  let clock: number;
  let orgId: string;
  let owner: { sub: string };
  let member: { sub: string };
  let invitationId: string;
  let firstToken: string;

  beforeEach(async () => {
    clock = Date.parse('2030-01-01T00:00:00.000Z');
    store = new FakeOrganisationStore(() => new Date(clock));
    mailer = new FakeMailer();
    const seeded = await seededOrganisation(store, ['member']);
    ({ orgId, owner } = seeded);
    member = seeded.others[0]!;
    const created = await invoke(createInvitationHandler({ organisations: store, mailer, siteUrl: SITE_URL }), invite(orgId, owner.sub, { email: 'x@example.com', role: 'member' }));
    invitationId = (created.body as { invitationId: string }).invitationId;
    firstToken = mailer.lastToken();
  });

  const list = (sub: string) => makeEvent({ routeKey: 'GET /v1/organisations/{orgId}/invitations', pathParameters: { orgId }, claims: claimsOf(sub) });
  const revoke = (sub: string, id = invitationId) =>
    makeEvent({ routeKey: 'DELETE /v1/organisations/{orgId}/invitations/{invitationId}', pathParameters: { orgId, invitationId: id }, claims: claimsOf(sub) });
  const resend = (sub: string) =>
    makeEvent({ routeKey: 'POST /v1/organisations/{orgId}/invitations/{invitationId}/resend', pathParameters: { orgId, invitationId }, claims: claimsOf(sub) });

  it('lists pending invitations to owners and admins, marking expired ones', async () => {
    // Prepare
    const handler = listInvitationsHandler({ organisations: store, now: () => new Date(Date.parse('2030-01-09T00:00:00.000Z')) });

    // Act
    const response = await invoke(handler, list(owner.sub));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ invitations: [expect.objectContaining({ invitationId, email: 'x@example.com', expired: true })] });
  });

  it('refuses the list to a member (403) and to outsiders (404)', async () => {
    // Prepare
    const handler = listInvitationsHandler({ organisations: store });

    // Act & Assess
    expect(await invoke(handler, list(member.sub))).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_ADMIN_REQUIRED' } });
    expect(await invoke(handler, list(randomUUID()))).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
  });

  it('revokes: the token no longer opens the invitation, a second revoke answers 404', async () => {
    // Prepare
    const handler = revokeInvitationHandler({ organisations: store });

    // Act
    const response = await invoke(handler, revoke(owner.sub));

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: { invitationId, status: 'revoked' } });
    expect((await store.invitationByToken(hashToken(firstToken)))!.status).toBe('REVOKED');
    expect(await invoke(handler, revoke(owner.sub))).toMatchObject({ statusCode: 404, body: { code: 'INVITATION_NOT_FOUND' } });
  });

  it('refuses revoking to a member (403) and to outsiders (404)', async () => {
    // Prepare
    const handler = revokeInvitationHandler({ organisations: store });

    // Act & Assess
    expect(await invoke(handler, revoke(member.sub))).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_ADMIN_REQUIRED' } });
    expect(await invoke(handler, revoke(randomUUID()))).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
  });

  it('resends a new link, valid 7 days from now; the old token is dead', async () => {
    // Prepare
    clock = Date.parse('2030-01-05T00:00:00.000Z');
    const handler = resendInvitationHandler({ organisations: store, mailer, siteUrl: SITE_URL, now: () => new Date(clock) });

    // Act
    const response = await invoke(handler, resend(owner.sub));

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: { invitationId, expiresAt: '2030-01-12T00:00:00.000Z', expired: false } });
    const second = mailer.lastToken();
    expect(second).not.toBe(firstToken);
    expect(mailer.sent).toHaveLength(2);
    expect((await store.invitationByToken(hashToken(firstToken)))!.tokenHash).toBe(hashToken(second));
  });

  it('refuses resending to a member (403)', async () => {
    // Prepare
    const handler = resendInvitationHandler({ organisations: store, mailer, siteUrl: SITE_URL });

    // Act & Assess
    expect(await invoke(handler, resend(member.sub))).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_ADMIN_REQUIRED' } });
    expect(mailer.sent).toHaveLength(1);
  });
});
