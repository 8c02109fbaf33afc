import type { MailMessage } from '#lib/mail';
import { formatUtc, render } from '#lib/mail-render';
import type { OrganisationRole } from '#shared/organisations';
import { INVITATION_HTML } from './templates/invitation.html';
import { INVITATION_TEXT } from './templates/invitation.text';

/** What an invitation e-mail says. */
export interface InvitationMail {
  readonly to: string;
  readonly organisationName: string;
  readonly role: OrganisationRole;
  /** Who invited (their e-mail), when known. */
  readonly invitedByEmail?: string;
  /** The site's origin, e.g. `https://d111.cloudfront.net`. */
  readonly siteUrl: string;
  readonly token: string;
  /** ISO time the link stops working. */
  readonly validUntil: string;
}

const ROLE_WITH_ARTICLE: Record<OrganisationRole, string> = { owner: 'an owner', admin: 'an admin', member: 'a member' };

/** The web app's page for an invitation: the token rides in the hash, so it never reaches a server log. */
export function invitationLink(siteUrl: string, token: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/#/invitations/${token}`;
}

/** The invitation e-mail, as plain text and HTML with the same content. */
export function invitationMessage(mail: InvitationMail): MailMessage {
  const values = {
    organisationName: mail.organisationName,
    inviter: mail.invitedByEmail ?? 'Someone',
    roleWithArticle: ROLE_WITH_ARTICLE[mail.role],
    link: invitationLink(mail.siteUrl, mail.token),
    expires: formatUtc(mail.validUntil),
    email: mail.to,
  };
  return {
    to: mail.to,
    subject: `${values.inviter} invited you to ${mail.organisationName} on Headshot Studio`,
    text: render(INVITATION_TEXT, values, 'text'),
    html: render(INVITATION_HTML, values, 'html'),
  };
}

/**
 * The site's origin from `SITE_URL` (an http(s) URL), which the invitation
 * links point at; undefined when it is not set, and the invitation routes
 * then answer 500 before they write anything.
 */
export function siteUrlFromEnv(value = process.env.SITE_URL): string | undefined {
  if (!value) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`SITE_URL must be an http(s) URL, not ${value}`);
  return url.origin;
}
