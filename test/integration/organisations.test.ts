import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createConfirmedUser } from '../../infra/cognito-users';
import type { OrderView } from '../../shared/orders';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';

jest.setTimeout(240_000);

interface OutboxMessage {
  readonly to: string[];
  readonly subject: string;
  readonly text?: string;
}

/**
 * A team on the local cloud, end to end: an owner creates an organisation, invites a
 * colleague by e-mail (the invitation lands in the local outbox, sent through the
 * local SES), the colleague accepts with the link's token, the team's wallet is
 * topped up, and the colleague's order is paid from it. A second acceptance of the
 * same link, and the link of a revoked invitation, are refused.
 */
describe('organisations on the local cloud', () => {
  let cloud: RunningCloud;
  let owner: CustomerApi;
  let colleague: CustomerApi;
  let outsider: CustomerApi;
  let admin: CustomerApi;
  const colleagueEmail = `colleague.${Date.now()}@example.com`;
  const outsiderEmail = `outsider.${Date.now()}@example.com`;
  let orgId: string;
  let token: string;

  const outbox = async (to: string): Promise<OutboxMessage[]> => {
    const res = await fetch(`${cloud.endpoints.web}/outbox/messages.json?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { messages: OutboxMessage[] }).messages;
  };
  const tokenIn = (message: OutboxMessage) => /#\/invitations\/([A-Za-z0-9_-]{43})/.exec(message.text ?? '')?.[1];

  beforeAll(async () => {
    cloud = await startLocalCloud();
    const e = cloud.endpoints;
    const cognito = new CognitoIdentityProviderClient({ region: e.region, endpoint: e.cognito.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const password = 'Team-member-2026!';
    await createConfirmedUser(cognito, e.cognito.userPoolId, colleagueEmail, password);
    await createConfirmedUser(cognito, e.cognito.userPoolId, outsiderEmail, password);
    owner = new CustomerApi(e.api, await signIn(e, demoUser(e, 'customer')));
    admin = new CustomerApi(e.api, await signIn(e, demoUser(e, 'admin')));
    colleague = new CustomerApi(e.api, await signIn(e, { role: 'customer', email: colleagueEmail, password, groups: [] }));
    outsider = new CustomerApi(e.api, await signIn(e, { role: 'customer', email: outsiderEmail, password, groups: [] }));
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('creates an organisation with the caller as its owner and an empty shared wallet', async () => {
    const created = await owner.call('POST', '/v1/organisations', { name: 'Acme Portraits' });
    expect(created.status).toBe(201);
    orgId = created.body.orgId as string;
    const me = await owner.call('GET', '/v1/me');
    expect(me.body.wallets).toEqual(expect.arrayContaining([{ walletId: orgId, kind: 'organisation', name: 'Acme Portraits', balance: 0 }]));
  });

  it('e-mails the invitation through SES to the local outbox, with a link to the web app', async () => {
    const invited = await owner.call('POST', `/v1/organisations/${orgId}/invitations`, { email: colleagueEmail, role: 'member' });
    expect(invited.status).toBe(201);
    const [mail] = await eventually(async () => {
      const messages = await outbox(colleagueEmail);
      return messages.length ? messages : undefined;
    });
    expect(mail!.subject).toContain('Acme Portraits');
    expect(mail!.text).toContain(`${cloud.endpoints.web}/#/invitations/`);
    token = tokenIn(mail!)!;
    expect(token).toBeDefined();
  });

  it("refuses the link to anyone but the invited person, and hides the organisation from outsiders", async () => {
    const stolen = await outsider.call('POST', '/v1/invitations/accept', { token });
    expect(stolen.status).toBe(403);
    expect(stolen.body.code).toBe('INVITATION_FOR_SOMEONE_ELSE');
    expect((await outsider.call('GET', `/v1/organisations/${orgId}`)).status).toBe(404);
    expect((await outsider.call('GET', `/v1/wallets/${orgId}`)).status).toBe(404);
  });

  it('lets the invited colleague accept once; the link does not work twice', async () => {
    const accepted = await colleague.call('POST', '/v1/invitations/accept', { token });
    expect(accepted.status).toBe(200);
    const again = await colleague.call('POST', '/v1/invitations/accept', { token });
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('INVITATION_USED');
    const org = await owner.call('GET', `/v1/organisations/${orgId}`);
    expect((org.body.members as { email?: string; role: string }[]).map((m) => [m.email, m.role])).toEqual(
      expect.arrayContaining([
        ['customer@example.com', 'owner'],
        [colleagueEmail, 'member'],
      ]),
    );
  });

  it('refuses the link of a revoked invitation', async () => {
    const invited = await owner.call('POST', `/v1/organisations/${orgId}/invitations`, { email: outsiderEmail, role: 'member' });
    expect(invited.status).toBe(201);
    const link = await eventually(async () => (await outbox(outsiderEmail)).map(tokenIn).find(Boolean));
    expect((await owner.call('DELETE', `/v1/organisations/${orgId}/invitations/${invited.body.invitationId as string}`)).status).toBeLessThan(300);
    const refused = await outsider.call('POST', '/v1/invitations/accept', { token: link });
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('INVITATION_REVOKED');
  });

  it("pays the colleague's order from the shared wallet: held at submission, the personal wallet untouched", async () => {
    expect((await admin.call('POST', `/v1/admin/wallets/${orgId}/adjustments`, { amount: 40, reason: 'Team credits for the test' })).status).toBe(201);
    const personalBefore = ((await colleague.call('GET', '/v1/me')).body.wallets as { kind: string; balance: number }[]).find((w) => w.kind === 'person')!.balance;
    const created = await colleague.call('POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['corporate-grey'], walletId: orgId });
    expect(created.status).toBe(201);
    expect(created.body.walletId).toBe(orgId);
    const atGate = await colleague.submitToGate((created.body as unknown as OrderView).orderId);
    expect(atGate.status).toBe('PENDING_EDITOR_CONFIRMATION');
    const shared = await owner.call('GET', `/v1/wallets/${orgId}`);
    expect(shared.body).toMatchObject({ balance: 28, reserved: 12 });
    const me = await colleague.call('GET', '/v1/me');
    expect((me.body.wallets as { kind: string; balance: number }[]).find((w) => w.kind === 'person')!.balance).toBe(personalBefore);
    // The owner sees what each member spent; the member sees the balance only.
    const history = await owner.call('GET', `/v1/wallets/${orgId}/entries`);
    expect((history.body.entries as { type: string; reference?: string }[]).map((e) => [e.type, e.reference])).toContainEqual(['reserve', atGate.orderId]);
    expect((await colleague.call('GET', `/v1/wallets/${orgId}/entries`)).status).toBe(404);
  });

  it('does not let someone outside the organisation place an order on its wallet', async () => {
    const refused = await outsider.call('POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['corporate-grey'], walletId: orgId });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('WALLET_NOT_FOUND');
  });
});
