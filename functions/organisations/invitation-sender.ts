import { ApiError } from '#lib/errors';
import type { Mailer } from '#lib/mail';
import { logger } from '#lib/powertools';
import { invitationMessage } from './invitation-mail';
import type { InvitationRecord } from './organisation-store';

/** What the invitation routes need to e-mail a link. */
export interface InvitationMailDeps {
  readonly mailer: Mailer;
  /** The web app's origin (`SITE_URL`); undefined when the function was deployed without it. */
  readonly siteUrl: string | undefined;
}

/** The site's origin, or a 500 before anything is written when the deployment lacks it. */
export function requireSiteUrl(siteUrl: string | undefined): string {
  if (!siteUrl) throw new Error('SITE_URL is not set: invitation e-mails cannot link to the web app');
  return siteUrl;
}

/** E-mails an invitation's link; MAIL_NOT_SENT (503) when the mailer fails. */
export async function sendInvitation(deps: InvitationMailDeps, invitation: InvitationRecord, token: string): Promise<void> {
  const message = invitationMessage({
    to: invitation.email,
    organisationName: invitation.organisationName,
    role: invitation.role,
    ...(invitation.invitedByEmail && { invitedByEmail: invitation.invitedByEmail }),
    siteUrl: requireSiteUrl(deps.siteUrl),
    token,
    validUntil: invitation.validUntil,
  });
  try {
    await deps.mailer.send(message);
  } catch (error) {
    logger.error('Invitation e-mail not sent', { orgId: invitation.orgId, invitationId: invitation.invitationId, error: error as Error });
    throw new ApiError('MAIL_NOT_SENT', 'The invitation e-mail could not be sent. Try again in a minute.');
  }
}
