import { useEffect, useState } from 'preact/hooks';
import { createOrganisation, listOrganisations } from '../../../shared/api/organisations';
import { createOrganisationSchema, type OrganisationSummary } from '../../../shared/organisations';
import { useApp } from '../app/context';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { PageHeading } from '../ui/PageHeading';
import { Loading, Spinner } from '../ui/Spinner';
import { formError, ROLE_LABELS } from './forms';

/** The caller's organisations, and a form to create one. */
export function OrganisationsPage() {
  const app = useApp();
  const [organisations, setOrganisations] = useState<readonly OrganisationSummary[]>();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    app.api.call(listOrganisations, { signal: abort.signal }).then((answer) => setOrganisations(answer.organisations), app.handleError);
    return () => abort.abort();
  }, [app]);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = createOrganisationSchema.safeParse({ name });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => issue.message).join(' '));
      return;
    }
    setBusy(true);
    try {
      const created = await app.api.call(createOrganisation, { body: parsed.data });
      app.notify(`“${created.name}” is ready. Invite your team next.`);
      app.navigate(`/organisations/${created.orgId}`);
    } catch (failure) {
      formError(failure, app, setError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="organisations-page">
      <div class="page-header">
        <PageHeading>Teams</PageHeading>
        <p class="muted">An organisation shares one credit wallet: its members order headshots on it.</p>
      </div>
      <div class="layout-detail">
        <Card label="Your organisations">
          <h2>Your organisations</h2>
          {organisations === undefined ? (
            <Loading text="Loading your organisations…" />
          ) : organisations.length === 0 ? (
            <EmptyState title="No organisation yet" testid="organisations-empty">
              Create one with the form, or accept an invitation from the link in its e-mail.
            </EmptyState>
          ) : (
            <ul class="order-list">
              {organisations.map((org) => (
                <li key={org.orgId}>
                  <a class="order-row" href={`#/organisations/${org.orgId}`} data-testid={`organisation-${org.orgId}`}>
                    <span class="order-row-main">
                      <strong>{org.name}</strong>
                      <span class="muted">{ROLE_LABELS[org.role]}</span>
                    </span>
                    <span class="button button-quiet button-small" aria-hidden="true">
                      Open
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card label="New organisation">
          <h2>New organisation</h2>
          <form noValidate onSubmit={submit} data-testid="create-organisation-form">
            <div class="field">
              <label for="organisation-name">Name</label>
              <input id="organisation-name" type="text" maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="organisation-name" />
            </div>
            {error && (
              <p class="form-error" role="alert" data-testid="create-organisation-error">
                {error}
              </p>
            )}
            <button type="submit" class="button button-primary" disabled={busy} aria-busy={busy || undefined} data-testid="create-organisation-submit">
              {busy && <Spinner />}
              Create organisation
            </button>
          </form>
        </Card>
      </div>
    </div>
  );
}
