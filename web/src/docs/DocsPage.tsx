import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { useApi } from '../app/context';
import { Card } from '../ui/Card';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { ApiReference } from './ApiReference';
import { asOpenApiDocument, type OpenApiDocument } from './openapi';

type State = { readonly kind: 'loading' } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'loaded'; readonly doc: OpenApiDocument };

/** The API reference, read from the API's own OpenAPI document; open to everyone. */
export function DocsPage() {
  const api = useApi();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: 'loading' });
    api.openApi(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        try {
          setState({ kind: 'loaded', doc: asOpenApiDocument(value) });
        } catch (error) {
          setState({ kind: 'failed', reason: (error as Error).message });
        }
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const reason = error instanceof ApiError ? (error.status === 404 ? 'This API does not publish its reference yet.' : error.message) : 'Something unexpected went wrong.';
        setState({ kind: 'failed', reason });
      },
    );
    return () => controller.abort();
  }, [api, attempt]);

  return (
    <div class="docs-page" data-testid="api-docs" data-state={state.kind}>
      {state.kind === 'loading' && <Loading text="Loading the API reference…" />}
      {state.kind === 'failed' && (
        <Card class="card-narrow status-page" testid="api-docs-error">
          <PageHeading>API docs</PageHeading>
          <p role="alert">
            <strong>Could not load the API reference.</strong> {state.reason}
          </p>
          <button type="button" class="button button-quiet" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </Card>
      )}
      {state.kind === 'loaded' && <ApiReference doc={state.doc} />}
    </div>
  );
}
