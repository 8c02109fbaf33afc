import { useEffect, useState } from 'preact/hooks';
import { acceptInvitation, declineInvitation, previewInvitation } from '../../../shared/api/organisations';
import { INVITATION_TOKEN_PATTERN, type InvitationPreview } from '../../../shared/organisations';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime } from '../ui/format';
import { PageHeading } from '../ui/PageHeading';
import { Loading, Spinner } from '../ui/Spinner';
import { ROLE_LABELS } from './forms';

/**
 * `#/invitations/<token>`, the link of an invitation e-mail. The route is not
 * public: a visitor signs in first and lands back here. The token stays in the
 * hash and travels to the API only in request bodies.
 */
export function InvitationPage({ params }: RouteProps) {
  const app = useApp();
  const token = params.token ?? '';
  const [preview, setPreview] = useState<InvitationPreview>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState<'accept' | 'decline'>();

  useEffect(() => {
    if (!INVITATION_TOKEN_PATTERN.test(token)) {
      setProblem('This invitation link is incomplete. Open the whole link from the e-mail.');
      return;
    }
    const abort = new AbortController();
    app.api.call(previewInvitation, { body: { token }, signal: abort.signal }).then(setPreview, (failure: unknown) => {
      if (failure instanceof ApiError && (failure.status === 404 || failure.status === 410 || failure.status === 400)) setProblem(failure.message);
      else app.handleError(failure);
    });
    return () => abort.abort();
  }, [app, token]);

  const answer = async (how: 'accept' | 'decline') => {
    setBusy(how);
    try {
      if (how === 'accept') {
        const joined = await app.api.call(acceptInvitation, { body: { token } });
        app.notify(`Welcome to ${joined.name}.`);
        app.navigate(`/organisations/${joined.orgId}`);
      } else {
        await app.api.call(declineInvitation, { body: { token } });
        app.notify('Invitation declined.');
        app.navigate('/organisations');
      }
    } catch (failure) {
      if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401) setProblem(failure.message);
      else app.handleError(failure);
      setBusy(undefined);
    }
  };

  if (problem) {
    return (
      <div class="card card-narrow" data-testid="invitation-problem">
        <EmptyState title="This invitation cannot be used">{problem}</EmptyState>
      </div>
    );
  }
  if (!preview) return <Loading text="Opening the invitation…" />;
  return (
    <div class="card card-narrow" data-testid="invitation-page">
      <PageHeading>Join {preview.organisationName}</PageHeading>
      <p>
        {preview.invitedByEmail ?? 'Someone'} invited <strong>{preview.email}</strong> to join as {ROLE_LABELS[preview.role].toLowerCase()}. The link works until{' '}
        {formatDateTime(preview.expiresAt)}.
      </p>
      {preview.forYou ? (
        <div class="form-actions">
          <button type="button" class="button button-primary" disabled={!!busy} aria-busy={busy === 'accept' || undefined} data-testid="invitation-accept" onClick={() => void answer('accept')}>
            {busy === 'accept' && <Spinner />}
            Accept
          </button>
          <button type="button" class="button button-quiet" disabled={!!busy} aria-busy={busy === 'decline' || undefined} data-testid="invitation-decline" onClick={() => void answer('decline')}>
            {busy === 'decline' && <Spinner />}
            Decline
          </button>
        </div>
      ) : (
        <p class="notice notice-info" data-testid="invitation-not-for-you">
          You are signed in as {app.me.email ?? 'someone else'}. Sign out and sign in with {preview.email} to answer this invitation.
        </p>
      )}
    </div>
  );
}
