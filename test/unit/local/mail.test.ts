import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand, type SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '../../../functions/lib/mail';
import { actionsFor } from '../../../infra/catalogue';
import { LOCAL_MAIL_FROM } from '../../../infra/local/binders';
import { type AuthorizingProxy, startAuthorizingProxy } from '../../../infra/local/iam/proxy';
import { CodeDeliveryParser, verificationEmail } from '../../../infra/local/mail/cognito-codes';
import { Outbox } from '../../../infra/local/mail/outbox';
import { outboxRoute } from '../../../infra/local/mail/page';
import { type LocalSes, startLocalSes } from '../../../infra/local/mail/ses';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const identityArn = `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${LOCAL_MAIL_FROM}`;

describe('the local SES v2: SendEmail through the authorizing proxy into the outbox', () => {
  let dir: string;
  let outbox: Outbox;
  let ses: LocalSes;
  let proxy: AuthorizingProxy;
  const client = (key: string) =>
    new SESv2Client({ region: REGION, endpoint: proxy.url, credentials: { accessKeyId: key, secretAccessKey: 'local' }, maxAttempts: 1 });
  const simple = (over: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
    FromEmailAddress: LOCAL_MAIL_FROM,
    Destination: { ToAddresses: ['ana@example.com'] },
    Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Plain https://studio.test/#/x' }, Html: { Data: '<p>Rich</p>' } } } },
    ...over,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    outbox = new Outbox(dir);
    ses = await startLocalSes({ outbox, region: REGION, verifiedIdentities: [LOCAL_MAIL_FROM] });
    proxy = await startAuthorizingProxy({
      service: 'ses',
      target: ses.url,
      region: REGION,
      accountId: ACCOUNT,
      principal: (key) =>
        key === 'LOCALMAILER'
          ? { functionId: 'Mailer', statements: [{ actions: actionsFor('mail', 'send'), resources: [identityArn] }] }
          : key === 'LOCALOTHER'
            ? { functionId: 'Other', statements: [{ actions: ['dynamodb:GetItem'], resources: ['*'] }] }
            : undefined,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await ses.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('files a message sent by a function granted Mail, with both bodies, through the SesMailer port', async () => {
    await new SesMailer(client('LOCALMAILER'), LOCAL_MAIL_FROM).send({ to: 'bo@example.com', subject: 'You are invited', text: 'Join us', html: '<p>Join us</p>' });
    const [message] = outbox.list({ to: 'BO@example.com' });
    expect(message).toMatchObject({ source: 'ses', from: LOCAL_MAIL_FROM, to: ['bo@example.com'], subject: 'You are invited', text: 'Join us', html: '<p>Join us</p>' });
    expect(message.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers the SDK a MessageId', async () => {
    const answer = await client('LOCALMAILER').send(new SendEmailCommand(simple()));
    expect(outbox.get(answer.MessageId!)?.subject).toBe('Hello');
  });

  it('refuses, as SES does, a sender that is not a verified identity — even when the policy allows the call', async () => {
    const before = outbox.list().length;
    const open = await startAuthorizingProxy({
      service: 'ses',
      target: ses.url,
      region: REGION,
      accountId: ACCOUNT,
      principal: () => ({ functionId: 'Any', statements: [{ actions: ['ses:SendEmail'], resources: ['*'] }] }),
    });
    try {
      const anyClient = new SESv2Client({ region: REGION, endpoint: open.url, credentials: { accessKeyId: 'LOCALANY', secretAccessKey: 'x' }, maxAttempts: 1 });
      await expect(anyClient.send(new SendEmailCommand(simple({ FromEmailAddress: 'someone@elsewhere.example' })))).rejects.toMatchObject({
        name: 'MessageRejected',
        message: expect.stringContaining('Email address is not verified'),
      });
    } finally {
      await open.close();
    }
    expect(outbox.list()).toHaveLength(before);
  });

  it('denies a function without the Mail grant with AccessDeniedException naming ses:SendEmail on the identity', async () => {
    const before = outbox.list().length;
    await expect(client('LOCALOTHER').send(new SendEmailCommand(simple()))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`ses:SendEmail on resource: ${identityArn}`),
      $metadata: { httpStatusCode: 403 },
    });
    await expect(client('LOCALNOBODY').send(new SendEmailCommand(simple()))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    expect(outbox.list()).toHaveLength(before);
  });

  it.each([
    ['more than 50 recipients', simple({ Destination: { ToAddresses: Array.from({ length: 51 }, (_, i) => `p${i}@example.com`) } }), 'MessageRejected'],
    ['an illegal address', simple({ Destination: { ToAddresses: ['not an address'] } }), 'BadRequestException'],
    ['no recipient', simple({ Destination: { ToAddresses: [] } }), 'BadRequestException'],
    ['no body', simple({ Content: { Simple: { Subject: { Data: 'x' }, Body: {} } } }), 'BadRequestException'],
    ['raw content', simple({ Content: { Raw: { Data: new Uint8Array([1]) } } }), 'BadRequestException'],
  ])('refuses %s with %s and files nothing', async (_case, input, name) => {
    const before = outbox.list().length;
    await expect(client('LOCALMAILER').send(new SendEmailCommand(input))).rejects.toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
    expect(outbox.list()).toHaveLength(before);
  });

  it('shows the outbox as a page with clickable links, as JSON per recipient, and each HTML body on its own', async () => {
    const page = outboxRoute(outbox, '/outbox', new URLSearchParams('to=ana@example.com'));
    expect(page).toMatchObject({ status: 200, type: 'html' });
    expect(page!.body).toContain('<a href="https://studio.test/#/x">');
    expect(page!.body).not.toContain('You are invited');
    const json = JSON.parse(outboxRoute(outbox, '/outbox/messages.json', new URLSearchParams('to=bo@example.com'))!.body) as { messages: { subject: string; messageId: string }[] };
    expect(json.messages.map((m) => m.subject)).toEqual(['You are invited']);
    expect(outboxRoute(outbox, `/outbox/${json.messages[0].messageId}.html`, new URLSearchParams())).toMatchObject({ status: 200, type: 'mail', body: '<p>Join us</p>' });
    expect(outboxRoute(outbox, '/outbox/00000000-0000-0000-0000-000000000000.html', new URLSearchParams())?.status).toBe(404);
    expect(outboxRoute(outbox, '/config.json', new URLSearchParams())).toBeUndefined();
  });
});

describe("cognito-local's code deliveries", () => {
  // As cognito-local prints one (pino, colours and a box), split across chunks.
  const printed =
    '[1795974296985] \u001b[32mINFO\u001b[39m: \u001b[36m71a39e06 SignUp ╭──────╮\n│                    │\n│   Confirmation Code Delivery   │\n│                    │\n│   Username:    c0cf38a4-9db8   │\n│   Destination: a@b.com         │\n│   Code:        820307          │\n│                    │\n╰──────╯\u001b[39m \u001b[90m{"reqId":"71a39e06","target":"SignUp"}\u001b[39m\n';

  it('picks out address and code, whatever the chunking', () => {
    const parser = new CodeDeliveryParser();
    const found = [...parser.push(printed.slice(0, 90)), ...parser.push(printed.slice(90, 200)), ...parser.push(printed.slice(200))];
    expect(found).toEqual([{ username: 'c0cf38a4-9db8', destination: 'a@b.com', code: '820307' }]);
    expect(new CodeDeliveryParser().push('INFO: Cognito Local running\nCode: 1234\n')).toEqual([]);
  });

  it("renders the user pool's verification message with the code", () => {
    const mail = verificationEmail({ username: 'u', destination: 'a@b.com', code: '820307' }, 'no-reply@verificationemail.com');
    expect(mail).toMatchObject({ source: 'cognito', to: ['a@b.com'], subject: 'Your Headshot Studio code' });
    expect(mail.text).toContain('820307');
    expect(mail.text).not.toContain('{####}');
  });
});
