import { PageHeading } from '../ui/PageHeading';
import { accessLabel, accessOf, constraintsOf, groupByTag, jsonSchemaOf, typeLabel, type OpenApiDocument, type OperationEntry } from './openapi';
import { Constraints, SchemaView } from './SchemaView';

/** A readable reference of an OpenAPI document: operations by tag, with access, parameters, bodies, responses and error codes. */
export function ApiReference({ doc }: { doc: OpenApiDocument }) {
  const groups = groupByTag(doc);
  const server = doc.servers?.[0]?.url;
  return (
    <div class="api-reference">
      <div class="page-header">
        <PageHeading>{doc.info.title}</PageHeading>
        <p class="muted">
          Version {doc.info.version} · OpenAPI {doc.openapi}
          {server && (
            <>
              {' · base URL '}
              <code>{server}</code>
            </>
          )}
        </p>
        {doc.info.description && <p class="api-description">{doc.info.description}</p>}
      </div>
      <nav class="card api-toc" aria-label="Operations">
        <h2>Operations</h2>
        <ul>
          {groups.map((group) => (
            <li key={group.name}>
              <strong>{group.name}</strong>
              <ul>
                {group.operations.map((entry) => (
                  <li key={entry.id}>
                    <button type="button" class="toc-link" onClick={() => jumpTo(entry.id)}>
                      <span class={`method method-${entry.method}`}>{entry.method.toUpperCase()}</span> <code>{entry.path}</code>
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </nav>
      {groups.length === 0 && <p class="muted">This API describes no operations yet.</p>}
      {groups.map((group) => (
        <section key={group.name} class="api-tag" aria-labelledby={`tag-${slug(group.name)}`} data-testid={`api-tag-${slug(group.name)}`}>
          <h2 id={`tag-${slug(group.name)}`}>{group.name}</h2>
          {group.description && <p class="muted">{group.description}</p>}
          {group.operations.map((entry) => (
            <OperationView key={entry.id} doc={doc} entry={entry} />
          ))}
        </section>
      ))}
    </div>
  );
}

function OperationView({ doc, entry }: { doc: OpenApiDocument; entry: OperationEntry }) {
  const { operation, method, path, parameters } = entry;
  const access = accessOf(doc, operation);
  const body = jsonSchemaOf(operation.requestBody?.content);
  const responses = Object.entries(operation.responses ?? {});
  const errorCodes = operation['x-error-codes'] ?? [];
  const pathAndQuery = parameters.filter((p) => p.in === 'path' || p.in === 'query');
  return (
    <article class="card api-op" id={`op-${entry.id}`} tabIndex={-1} data-testid={`api-op-${entry.id}`} aria-labelledby={`op-${entry.id}-title`}>
      <header class="api-op-head">
        <span class={`method method-${method}`}>{method.toUpperCase()}</span>
        <h3 id={`op-${entry.id}-title`} class="api-op-path">
          <code>{path}</code>
        </h3>
        <span class={`access access-${access.kind}`} data-testid="api-op-access">
          {accessLabel(access)}
        </span>
      </header>
      {operation.summary && <p class="api-op-summary">{operation.summary}</p>}
      {operation.description && <p class="api-op-description">{operation.description}</p>}
      {operation.deprecated && <p class="notice notice-danger">Deprecated: avoid in new code.</p>}

      {pathAndQuery.length > 0 && (
        <div class="api-block">
          <h4>Parameters</h4>
          <ul class="schema-fields">
            {pathAndQuery.map((parameter) => (
              <li key={`${parameter.in}:${parameter.name}`} class="schema-field" data-field={parameter.name}>
                <div class="field-line">
                  <code class="field-name">{parameter.name}</code>
                  <span class="field-in">{parameter.in}</span>
                  {parameter.schema && <span class="field-type">{typeLabel(doc, parameter.schema)}</span>}
                  {parameter.required || parameter.in === 'path' ? <span class="field-required">required</span> : <span class="field-optional">optional</span>}
                  {parameter.schema && <Constraints items={constraintsOf(doc, parameter.schema)} />}
                </div>
                {parameter.description && <p class="field-description">{parameter.description}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}

      {operation.requestBody && (
        <div class="api-block" data-testid="api-op-request">
          <h4>
            Request body {body && <span class="media-type">{body.mediaType}</span>}
            {operation.requestBody.required && <span class="field-required">required</span>}
          </h4>
          {operation.requestBody.description && <p class="field-description">{operation.requestBody.description}</p>}
          {body?.schema && <SchemaView doc={doc} schema={body.schema} />}
        </div>
      )}

      {responses.length > 0 && (
        <div class="api-block" data-testid="api-op-responses">
          <h4>Responses</h4>
          <ul class="api-responses">
            {responses.map(([status, response]) => {
              const content = jsonSchemaOf(response.content);
              return (
                <li key={status} class="api-response">
                  <div class="field-line">
                    <span class={`status-code status-${status.charAt(0)}xx`}>{status}</span>
                    {response.description && <span>{response.description}</span>}
                  </div>
                  {content?.schema && <SchemaView doc={doc} schema={content.schema} />}
                </li>
              );
            })}
          </ul>
        </div>
      )}

      {errorCodes.length > 0 && (
        <div class="api-block" data-testid="api-op-errors">
          <h4>Error codes</h4>
          <table class="api-errors">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Status</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {errorCodes.map((error) => (
                <tr key={error.code}>
                  <td>
                    <code>{error.code}</code>
                  </td>
                  <td>{error.status}</td>
                  <td>{error.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'other';
}

/** In-page jumps without touching the hash, which holds the route. */
function jumpTo(id: string): void {
  const target = document.getElementById(`op-${id}`);
  target?.scrollIntoView({ block: 'start' });
  target?.focus({ preventScroll: true });
}
