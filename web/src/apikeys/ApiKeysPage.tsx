import { useEffect, useState } from 'preact/hooks';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../shared/api/apikeys';
import { listOrganisations } from '../../../shared/api/organisations';
import { type ApiKeyView, type CreatedApiKey, createApiKeySchema, DEFAULT_RATE_LIMIT_PER_MINUTE } from '../../../shared/apikeys';
import type { OrganisationSummary } from '../../../shared/organisations';
import { useApp } from '../app/context';
import { formError, ROLE_LABELS } from '../organisations/forms';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime } from '../ui/format';
import { PageHeading } from '../ui/PageHeading';
import { Loading, Spinner } from '../ui/Spinner';

/** `''` is the caller's own (personal) keys; otherwise an organisation's ID. */
type Scope = string;

/** Organisations whose keys the caller manages: those they own or administer. */
const managed = (organisations: readonly OrganisationSummary[]) => organisations.filter((org) => org.role === 'owner' || org.role === 'admin');

/**
 * API keys for automation: create one (personal, or for an organisation the
 * caller owns or administers), see it once with a copy button, list the live
 * ones and revoke them.
 */
export function ApiKeysPage() {
  const app = useApp();
  const [organisations, setOrganisations] = useState<readonly OrganisationSummary[]>();
  const [scope, setScope] = useState<Scope>('');
  const [keys, setKeys] = useState<readonly ApiKeyView[]>();
  const [fresh, setFresh] = useState<CreatedApiKey>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    app.api.call(listOrganisations, { signal: abort.signal }).then((answer) => setOrganisations(managed(answer.organisations)), app.handleError);
    return () => abort.abort();
  }, [app]);

  useEffect(() => {
    const abort = new AbortController();
    setKeys(undefined);
    app.api
      .call(listApiKeys, { query: scope ? { organisationId: scope } : {}, signal: abort.signal })
      .then((answer) => setKeys(answer.apiKeys), app.handleError);
    return () => abort.abort();
  }, [app, scope, reload]);

  const scopeName = (id: Scope) => (id ? (organisations?.find((org) => org.orgId === id)?.name ?? 'Organisation') : 'Personal');

  return (
    <div data-testid="apikeys-page">
      <div class="page-header">
        <PageHeading>API keys</PageHeading>
        <p class="muted">
          Keys let scripts and other systems call the <a href="#/docs">API</a> for you: send one as <code>Authorization: Bearer hsk_…</code>. Each key may
          make {DEFAULT_RATE_LIMIT_PER_MINUTE} requests a minute unless you give it another limit.
        </p>
      </div>
      <div class="layout-detail">
        <div class="detail-main">
          {fresh && <NewKey created={fresh} scopeName={scopeName(fresh.apiKey.organisationId ?? '')} onDone={() => setFresh(undefined)} />}
          <Card label="Your keys">
            <div class="card-header">
              <h2>{scope ? `Keys of ${scopeName(scope)}` : 'Your personal keys'}</h2>
              {organisations && organisations.length > 0 && (
                <div class="field">
                  <label for="apikeys-scope" class="visually-hidden">
                    Show the keys of
                  </label>
                  <select id="apikeys-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)} data-testid="apikeys-scope">
                    <option value="">Personal</option>
                    {organisations.map((org) => (
                      <option key={org.orgId} value={org.orgId}>
                        {org.name}
                      </option>
                    ))}
                  </select>
                </div>
              )}
            </div>
            {keys === undefined ? (
              <Loading text="Loading the keys…" />
            ) : keys.length === 0 ? (
              <EmptyState title="No keys yet" testid="apikeys-empty">
                Create one with the form. You will see it once, so keep it somewhere safe.
              </EmptyState>
            ) : (
              <ul class="order-list" data-testid="apikeys-list">
                {keys.map((key) => (
                  <KeyRow key={key.keyId} apiKey={key} onRevoked={() => setReload((n) => n + 1)} />
                ))}
              </ul>
            )}
          </Card>
        </div>
        <CreateKeyForm
          organisations={organisations ?? []}
          onCreated={(created) => {
            setFresh(created);
            setScope(created.apiKey.organisationId ?? '');
            setReload((n) => n + 1);
          }}
        />
      </div>
    </div>
  );
}

/** The whole key, shown this once, with a copy button and a warning. */
function NewKey({ created, scopeName, onDone }: { created: CreatedApiKey; scopeName: string; onDone: () => void }) {
  const app = useApp();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      app.notify('Copying failed: select the key and copy it yourself.');
    }
  };
  return (
    <Card label="Your new key">
      <h2>“{created.apiKey.name}” is ready</h2>
      <p class="notice notice-danger" role="alert" data-testid="apikey-warning">
        Copy this key now: it is shown only this once. We keep only a fingerprint of it, so nobody, us included, can show it again. If you lose it, revoke
        it and create another.
      </p>
      <div class="field">
        <label for="apikey-value">
          {scopeName} key · {created.apiKey.rateLimitPerMinute} requests a minute
        </label>
        <input id="apikey-value" type="text" readOnly value={created.key} onFocus={(e) => e.currentTarget.select()} data-testid="apikey-value" />
      </div>
      <div class="form-actions">
        <button type="button" class="button button-primary" onClick={() => void copy()} data-testid="apikey-copy">
          {copied ? 'Copied' : 'Copy key'}
        </button>
        <button type="button" class="button button-quiet" onClick={onDone} data-testid="apikey-done">
          I have stored it
        </button>
      </div>
    </Card>
  );
}

function KeyRow({ apiKey, onRevoked }: { apiKey: ApiKeyView; onRevoked: () => void }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const revoke = async () => {
    if (!window.confirm(`Revoke “${apiKey.name}”? Scripts using it stop working within 5 minutes.`)) return;
    setBusy(true);
    try {
      await app.api.call(revokeApiKey, { params: { keyId: apiKey.keyId } });
      app.notify(`“${apiKey.name}” is revoked.`);
      onRevoked();
    } catch (failure) {
      app.handleError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="order-row" data-testid={`apikey-${apiKey.keyId}`}>
      <span class="order-row-main">
        <strong>{apiKey.name}</strong>
        <span class="muted">
          <code>{apiKey.prefix}_…</code> · {apiKey.rateLimitPerMinute}/min · created {formatDateTime(apiKey.createdAt)}
          {apiKey.role && ` · ${ROLE_LABELS[apiKey.role]}`}
        </span>
      </span>
      <button type="button" class="button button-danger-quiet button-small" disabled={busy} aria-busy={busy || undefined} onClick={() => void revoke()} data-testid={`apikey-revoke-${apiKey.keyId}`}>
        {busy && <Spinner />}
        Revoke
      </button>
    </li>
  );
}

function CreateKeyForm({ organisations, onCreated }: { organisations: readonly OrganisationSummary[]; onCreated: (created: CreatedApiKey) => void }) {
  const app = useApp();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('');
  const [limit, setLimit] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = createApiKeySchema.safeParse({
      name,
      ...(scope && { organisationId: scope }),
      ...(limit.trim() && { rateLimitPerMinute: Number(limit) }),
    });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => issue.message).join(' '));
      return;
    }
    setBusy(true);
    try {
      const created = await app.api.call(createApiKey, { body: parsed.data });
      setName('');
      setLimit('');
      onCreated(created);
    } catch (failure) {
      formError(failure, app, setError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card label="New key">
      <h2>New key</h2>
      <form noValidate onSubmit={submit} data-testid="create-apikey-form">
        <div class="field">
          <label for="apikey-name">Name</label>
          <input id="apikey-name" type="text" maxLength={60} placeholder="Nightly export" value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="apikey-name" />
        </div>
        <div class="field">
          <label for="apikey-owner">For</label>
          <select id="apikey-owner" value={scope} onChange={(e) => setScope(e.currentTarget.value)} data-testid="apikey-owner">
            <option value="">Me (personal)</option>
            {organisations.map((org) => (
              <option key={org.orgId} value={org.orgId}>
                {org.name} (organisation)
              </option>
            ))}
          </select>
          <p class="field-hint">
            {organisations.length === 0
              ? 'Owners and admins of an organisation can also create keys for it.'
              : "Orders placed with an organisation's key pay from its wallet."}
          </p>
        </div>
        <div class="field">
          <label for="apikey-limit">Requests a minute</label>
          <input
            id="apikey-limit"
            type="number"
            inputMode="numeric"
            min={1}
            max={10_000}
            placeholder={String(DEFAULT_RATE_LIMIT_PER_MINUTE)}
            value={limit}
            onInput={(e) => setLimit(e.currentTarget.value)}
            data-testid="apikey-limit"
          />
        </div>
        {error && (
          <p class="form-error" role="alert" data-testid="create-apikey-error">
            {error}
          </p>
        )}
        <button type="submit" class="button button-primary" disabled={busy} aria-busy={busy || undefined} data-testid="create-apikey-submit">
          {busy && <Spinner />}
          Create key
        </button>
      </form>
    </Card>
  );
}
