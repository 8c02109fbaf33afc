import { apiHandler } from '#lib/api-handler';
import { ddb, sesClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { SesMailer } from '#lib/mail';
import { logger } from '#lib/powertools';
import { resendInvitation } from '#shared/api/organisations';
import { siteUrlFromEnv } from './invitation-mail';
import { type InvitationMailDeps, requireSiteUrl, sendInvitation } from './invitation-sender';
import { type Organisations, OrganisationStore } from './organisation-store';
import { newInvitationToken } from './tokens';
import { asApi, invitationView, organisationNotFound } from './views';

export interface ResendInvitationDeps extends InvitationMailDeps {
  readonly organisations: Pick<Organisations, 'membership' | 'resend'>;
  readonly newToken?: typeof newInvitationToken;
  readonly now?: () => Date;
}

/**
 * POST /v1/organisations/{orgId}/invitations/{invitationId}/resend — a new
 * link, valid 7 more days, e-mailed again; the previous link stops working.
 */
export const resendInvitationHandler = ({ organisations, mailer, siteUrl, newToken = newInvitationToken, now = () => new Date() }: ResendInvitationDeps) =>
  apiHandler(resendInvitation, async ({ params, caller }) => {
    if (!(await organisations.membership(params.orgId, caller.sub))) throw organisationNotFound();
    requireSiteUrl(siteUrl);
    const { token, hash } = newToken();
    const invitation = await asApi(organisations.resend(caller.sub, params.orgId, params.invitationId, hash));
    await sendInvitation({ mailer, siteUrl }, invitation, token);
    logger.info('Invitation resent', { orgId: params.orgId, invitationId: invitation.invitationId });
    return invitationView(invitation, now());
  });

export const handler = resendInvitationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')), mailer: new SesMailer(sesClient(), requireEnv('Mail')), siteUrl: siteUrlFromEnv(requireEnv('Site')) });
