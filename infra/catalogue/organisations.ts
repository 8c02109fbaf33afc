import {
  acceptInvitation,
  createInvitation,
  createOrganisation,
  declineInvitation,
  getOrganisation,
  leaveOrganisation,
  listInvitations,
  listOrganisations,
  previewInvitation,
  removeMember,
  resendInvitation,
  revokeInvitation,
  updateMember,
} from '../../shared/api/organisations';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

const fn = (id: string, file: string, description: string, grants: DomainSpec['functions'][number]['grants']) => ({
  ...API_DEFAULTS,
  id,
  entry: `functions/organisations/${file}.handler.ts`,
  description,
  grants,
});

/**
 * Organisations: teams with a shared wallet, their members and roles, and
 * invitations by e-mail. Functions that answer a link read the person's
 * verified e-mail from the user pool; those that send one hold the `Mail` grant.
 */
export const organisations: DomainSpec = {
  id: 'organisations',
  description: 'Organisations, their members, roles and invitations',
  functions: [
    fn('CreateOrganisation', 'create-organisation', 'Creates an organisation with the caller as owner and opens its shared wallet', { Table: 'readWrite', UserPool: 'readUsers' }),
    fn('ListOrganisations', 'list-organisations', 'Lists the organisations the caller belongs to, with their role', { Table: 'read' }),
    fn('GetOrganisation', 'get-organisation', "Returns an organisation's members, roles and wallet balance to its members", { Table: 'read' }),
    fn('CreateInvitation', 'create-invitation', 'Invites someone to an organisation by e-mail with a single-use, expiring link', { Table: 'readWrite', Mail: 'send', Site: 'link' }),
    fn('ListInvitations', 'list-invitations', "Lists an organisation's pending invitations for its owners and admins", { Table: 'read' }),
    fn('RevokeInvitation', 'revoke-invitation', 'Withdraws a pending invitation', { Table: 'readWrite' }),
    fn('ResendInvitation', 'resend-invitation', 'E-mails a pending invitation again with a new link; the old one stops working', { Table: 'readWrite', Mail: 'send', Site: 'link' }),
    fn('PreviewInvitation', 'preview-invitation', 'Shows what an invitation link offers and whether it is for the caller', { Table: 'read', UserPool: 'readUsers' }),
    fn('AcceptInvitation', 'accept-invitation', "Joins the invited person (verified e-mail) to the invitation's organisation", { Table: 'readWrite', UserPool: 'readUsers' }),
    fn('DeclineInvitation', 'decline-invitation', 'Declines an invitation for the invited person', { Table: 'readWrite', UserPool: 'readUsers' }),
    fn('UpdateMember', 'update-member', "Changes a member's role; an organisation always keeps an owner", { Table: 'readWrite' }),
    fn('RemoveMember', 'remove-member', 'Removes a member; an organisation always keeps an owner', { Table: 'readWrite' }),
    fn('LeaveOrganisation', 'leave-organisation', 'The caller leaves an organisation (not its last owner)', { Table: 'readWrite' }),
  ],
  routes: [
    serve(createOrganisation, 'CreateOrganisation'),
    serve(listOrganisations, 'ListOrganisations'),
    serve(getOrganisation, 'GetOrganisation'),
    serve(createInvitation, 'CreateInvitation'),
    serve(listInvitations, 'ListInvitations'),
    serve(revokeInvitation, 'RevokeInvitation'),
    serve(resendInvitation, 'ResendInvitation'),
    serve(previewInvitation, 'PreviewInvitation'),
    serve(acceptInvitation, 'AcceptInvitation'),
    serve(declineInvitation, 'DeclineInvitation'),
    serve(updateMember, 'UpdateMember'),
    serve(removeMember, 'RemoveMember'),
    serve(leaveOrganisation, 'LeaveOrganisation'),
  ],
  stateMachines: [],
};
