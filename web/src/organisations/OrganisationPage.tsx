import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  createInvitation,
  getOrganisation,
  leaveOrganisation,
  listInvitations,
  removeMember,
  resendInvitation,
  revokeInvitation,
  updateMember,
} from '../../../shared/api/organisations';
import {
  invitationInputSchema,
  type InvitationView,
  inviteRefusal,
  type MemberView,
  ORGANISATION_ROLES,
  type OrganisationRole,
  type OrganisationView,
  readsWalletHistory,
  removalRefusal,
  roleChangeRefusal,
} from '../../../shared/organisations';
import { ApiError, ErrorCodes } from '../api/client';
import { WalletHistory } from '../accounts/WalletHistory';
import { useApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime } from '../ui/format';
import { credits } from '../ui/labels';
import { PageHeading } from '../ui/PageHeading';
import { Loading, Spinner } from '../ui/Spinner';
import { formError, ROLE_LABELS } from './forms';

/**
 * One organisation: its shared wallet (and, for owners and admins, its
 * history), its members with their roles, the invitations waiting, and leaving.
 * Buttons show only what the caller's role allows; the API decides anyway.
 */
export function OrganisationPage({ params }: RouteProps) {
  const app = useApp();
  const orgId = params.orgId!;
  const [org, setOrg] = useState<OrganisationView>();
  const [missing, setMissing] = useState(false);

  const load = useCallback(async () => {
    try {
      setOrg(await app.api.call(getOrganisation, { params: { orgId } }));
    } catch (failure) {
      if (failure instanceof ApiError && (failure.is('ORGANISATION_NOT_FOUND') || failure.is(ErrorCodes.VALIDATION_FAILED))) setMissing(true);
      else app.handleError(failure);
    }
  }, [app, orgId]);

  useEffect(() => {
    void load();
  }, [load]);

  if (missing) {
    return (
      <div class="card card-narrow" data-testid="organisation-missing">
        <EmptyState title="No such organisation">It does not exist, or you are not a member. <a href="#/organisations">Your organisations</a></EmptyState>
      </div>
    );
  }
  if (!org) return <Loading text="Loading the organisation…" />;
  const manages = org.role !== 'member';

  return (
    <div data-testid="organisation-page" data-role={org.role}>
      <div class="page-header">
        <PageHeading>{org.name}</PageHeading>
        <p class="muted">
          You are {/^[aeiou]/i.test(org.role) ? 'an' : 'a'} {ROLE_LABELS[org.role].toLowerCase()} · {org.memberCount === 1 ? '1 member' : `${org.memberCount} members`}
        </p>
      </div>
      <div class="layout-detail">
        <div>
          <Members org={org} onChanged={load} />
          {manages && <Invitations org={org} />}
        </div>
        <div>
          <Card label="Shared wallet" testid="organisation-wallet">
            <h2>Shared wallet</h2>
            <p>
              <strong data-testid="organisation-balance">{credits(org.wallet.balance)}</strong>
              {org.wallet.reserved > 0 && <span class="muted"> · {credits(org.wallet.reserved)} held by orders</span>}
            </p>
            {readsWalletHistory(org.role) ? <WalletHistory walletId={org.wallet.walletId} /> : <p class="muted">Owners and admins see the wallet's history.</p>}
          </Card>
          <Leave org={org} />
        </div>
      </div>
    </div>
  );
}

function Members({ org, onChanged }: { org: OrganisationView; onChanged: () => Promise<void> }) {
  return (
    <Card label="Members" testid="organisation-members">
      <h2>Members</h2>
      <ul class="order-list">
        {org.members.map((member) => (
          <MemberRow key={member.sub} org={org} member={member} onChanged={onChanged} />
        ))}
      </ul>
    </Card>
  );
}

function MemberRow({ org, member, onChanged }: { org: OrganisationView; member: MemberView; onChanged: () => Promise<void> }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const isMe = member.sub === app.me.sub;
  const roles = ORGANISATION_ROLES.filter((role) => role === member.role || !roleChangeRefusal(org.role, member.role, role));
  const mayRemove = !isMe && !removalRefusal(org.role, member.role);

  const act = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await work();
      app.notify(done);
      await onChanged();
    } catch (failure) {
      app.handleError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="order-row" data-testid={`member-${member.sub}`}>
      <span class="order-row-main">
        <strong>{member.email ?? member.sub}</strong>
        <span class="muted">
          {isMe ? 'You · ' : ''}joined {formatDateTime(member.joinedAt)}
        </span>
      </span>
      {roles.length > 1 ? (
        <select
          aria-label={`Role of ${member.email ?? member.sub}`}
          value={member.role}
          disabled={busy}
          data-testid={`member-role-${member.sub}`}
          onChange={(e) => {
            const role = e.currentTarget.value as OrganisationRole;
            void act(() => app.api.call(updateMember, { params: { orgId: org.orgId, memberSub: member.sub }, body: { role } }), `${member.email ?? 'The member'} is now ${ROLE_LABELS[role].toLowerCase()}.`);
          }}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      ) : (
        <span class="chip">{ROLE_LABELS[member.role]}</span>
      )}
      {mayRemove && (
        <button
          type="button"
          class="button button-quiet button-small"
          disabled={busy}
          data-testid={`member-remove-${member.sub}`}
          onClick={() => {
            if (confirm(`Remove ${member.email ?? 'this member'} from ${org.name}?`)) {
              void act(() => app.api.call(removeMember, { params: { orgId: org.orgId, memberSub: member.sub } }), `${member.email ?? 'The member'} was removed.`);
            }
          }}
        >
          Remove
        </button>
      )}
    </li>
  );
}

function Invitations({ org }: { org: OrganisationView }) {
  const app = useApp();
  const [invitations, setInvitations] = useState<readonly InvitationView[]>();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrganisationRole>('member');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => app.api.call(listInvitations, { params: { orgId: org.orgId } }).then((answer) => setInvitations(answer.invitations), app.handleError), [app, org.orgId]);
  useEffect(() => {
    void load();
  }, [load]);

  const invite = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = invitationInputSchema.safeParse({ email, role });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => issue.message).join(' '));
      return;
    }
    setBusy(true);
    try {
      await app.api.call(createInvitation, { params: { orgId: org.orgId }, body: parsed.data });
      app.notify(`Invitation sent to ${parsed.data.email}.`);
      setEmail('');
      await load();
    } catch (failure) {
      formError(failure, app, setError);
    } finally {
      setBusy(false);
    }
  };

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      app.notify(done);
      await load();
    } catch (failure) {
      app.handleError(failure);
    }
  };

  return (
    <Card label="Invitations" testid="organisation-invitations">
      <h2>Invitations</h2>
      <form noValidate onSubmit={invite} data-testid="invite-form">
        <div class="field">
          <label for="invite-email">E-mail</label>
          <input id="invite-email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} data-testid="invite-email" />
        </div>
        <div class="field">
          <label for="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as OrganisationRole)} data-testid="invite-role">
            {ORGANISATION_ROLES.filter((r) => !inviteRefusal(org.role, r)).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        {error && (
          <p class="form-error" role="alert" data-testid="invite-error">
            {error}
          </p>
        )}
        <button type="submit" class="button button-primary" disabled={busy} aria-busy={busy || undefined} data-testid="invite-submit">
          {busy && <Spinner />}
          Send invitation
        </button>
      </form>
      {invitations === undefined ? (
        <Loading text="Loading the invitations…" />
      ) : invitations.length === 0 ? (
        <p class="muted">No invitation is waiting for an answer.</p>
      ) : (
        <ul class="order-list">
          {invitations.map((invitation) => (
            <li key={invitation.invitationId} class="order-row" data-testid={`invitation-${invitation.invitationId}`}>
              <span class="order-row-main">
                <strong>{invitation.email}</strong>
                <span class="muted">
                  {ROLE_LABELS[invitation.role]} · {invitation.expired ? 'expired' : `link valid until ${formatDateTime(invitation.expiresAt)}`}
                </span>
              </span>
              {!inviteRefusal(org.role, invitation.role) && (
                <span class="row-actions">
                  <button
                    type="button"
                    class="button button-quiet button-small"
                    data-testid={`invitation-resend-${invitation.invitationId}`}
                    onClick={() => void act(() => app.api.call(resendInvitation, { params: { orgId: org.orgId, invitationId: invitation.invitationId } }), `A new link went to ${invitation.email}.`)}
                  >
                    Resend
                  </button>
                  <button
                    type="button"
                    class="button button-quiet button-small"
                    data-testid={`invitation-revoke-${invitation.invitationId}`}
                    onClick={() => void act(() => app.api.call(revokeInvitation, { params: { orgId: org.orgId, invitationId: invitation.invitationId } }), `The invitation to ${invitation.email} was withdrawn.`)}
                  >
                    Revoke
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}


function Leave({ org }: { org: OrganisationView }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Card label="Leave">
      <button
        type="button"
        class="button button-quiet"
        disabled={busy}
        data-testid="organisation-leave"
        onClick={async () => {
          if (!confirm(`Leave ${org.name}? You will no longer use its wallet.`)) return;
          setBusy(true);
          try {
            await app.api.call(leaveOrganisation, { params: { orgId: org.orgId } });
            app.notify(`You left ${org.name}.`);
            app.navigate('/organisations');
          } catch (failure) {
            app.handleError(failure);
            setBusy(false);
          }
        }}
      >
        Leave {org.name}
      </button>
    </Card>
  );
}
