import { randomUUID } from 'node:crypto';
import { apiHandler } from '#lib/api-handler';
import { ddb, sesClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { SesMailer } from '#lib/mail';
import { logger } from '#lib/powertools';
import { createInvitation } from '#shared/api/organisations';
import { siteUrlFromEnv } from './invitation-mail';
import { type InvitationMailDeps, requireSiteUrl, sendInvitation } from './invitation-sender';
import { type Organisations, OrganisationStore } from './organisation-store';
import { newInvitationToken } from './tokens';
import { asApi, invitationView, organisationNotFound } from './views';

export interface CreateInvitationDeps extends InvitationMailDeps {
  readonly organisations: Pick<Organisations, 'membership' | 'invite' | 'revoke'>;
  readonly newId?: () => string;
  readonly newToken?: typeof newInvitationToken;
  readonly now?: () => Date;
}

/**
 * POST /v1/organisations/{orgId}/invitations — owners and admins invite
 * someone by e-mail (only owners invite owners). The token goes only into the
 * e-mail's link; the store keeps its hash. When the e-mail cannot be sent, the
 * invitation is withdrawn again and the caller told to retry.
 */
export const createInvitationHandler = ({ organisations, mailer, siteUrl, newId = randomUUID, newToken = newInvitationToken, now = () => new Date() }: CreateInvitationDeps) =>
  apiHandler(createInvitation, async ({ params, body, caller }) => {
    if (!(await organisations.membership(params.orgId, caller.sub))) throw organisationNotFound();
    requireSiteUrl(siteUrl);
    const { token, hash } = newToken();
    const invitation = await asApi(organisations.invite(caller.sub, { orgId: params.orgId, invitationId: newId(), email: body.email, role: body.role, tokenHash: hash }));
    try {
      await sendInvitation({ mailer, siteUrl }, invitation, token);
    } catch (error) {
      await organisations.revoke(caller.sub, params.orgId, invitation.invitationId).catch((failure: unknown) => {
        logger.error('Invitation kept after its e-mail failed', { invitationId: invitation.invitationId, error: failure as Error });
      });
      if (error instanceof ApiError) throw new ApiError('MAIL_NOT_SENT', 'The invitation e-mail could not be sent, so nobody was invited. Try again in a minute.');
      throw error;
    }
    logger.info('Invitation sent', { orgId: params.orgId, invitationId: invitation.invitationId, role: invitation.role });
    return invitationView(invitation, now());
  });

export const handler = createInvitationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')), mailer: new SesMailer(sesClient(), requireEnv('Mail')), siteUrl: siteUrlFromEnv(requireEnv('Site')) });
