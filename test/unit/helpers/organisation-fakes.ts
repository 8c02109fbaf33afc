import { randomUUID } from 'node:crypto';
import type { Mailer, MailMessage } from '#lib/mail';
import type { People, PersonEmail } from '#functions/organisations/people';
import { newInvitationToken } from '#functions/organisations/tokens';
import type { OrganisationRole } from '#shared/organisations';
import { FakeOrganisationStore } from './fake-organisation-store';

/** A mailer that records what it was asked to send, or fails when told to. */
export class FakeMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  failure?: Error;

  async send(message: MailMessage): Promise<void> {
    if (this.failure) throw this.failure;
    this.sent.push(message);
  }

  /** The token of the last invitation link sent. */
  lastToken(): string {
    const match = /#\/invitations\/([A-Za-z0-9_-]+)/.exec(this.sent.at(-1)?.text ?? '');
    if (!match) throw new Error('No invitation link was sent');
    return match[1]!;
  }
}

/** A user pool that knows some people's e-mail by `sub`. */
export class FakePeople implements People {
  constructor(private readonly known: Record<string, PersonEmail> = {}) {}

  set(sub: string, email: string, verified = true): this {
    this.known[sub] = { email: email.toLowerCase(), verified };
    return this;
  }

  async email(sub: string): Promise<PersonEmail | undefined> {
    return this.known[sub];
  }
}

export const SITE_URL = 'https://studio.example.com';

/** An organisation in a fake store, with people in the roles asked for; answers their subs and e-mails. */
export async function seededOrganisation(store: FakeOrganisationStore, roles: readonly OrganisationRole[] = []) {
  const orgId = randomUUID();
  const owner = { sub: randomUUID(), email: 'owner@example.com' };
  await store.create({ orgId, name: 'Acme Team', walletId: orgId, owner });
  const others: { sub: string; email: string; role: OrganisationRole }[] = [];
  for (const [i, role] of roles.entries()) {
    const who = { sub: randomUUID(), email: `${role}${i}@example.com` };
    const { hash } = newInvitationToken();
    await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: who.email, role, tokenHash: hash });
    await store.accept(hash, who);
    others.push({ ...who, role });
  }
  store.calls.length = 0;
  return { orgId, owner, others };
}

/** ID-token claims of a person. */
export const claimsOf = (sub: string) => ({ sub, 'cognito:groups': '[]', token_use: 'id' });
