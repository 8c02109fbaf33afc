import { apiHandler } from '#lib/api-handler';
import { buildOpenApi, type OpenApiDocument } from '#shared/api/openapi';
import { getOpenApi } from '#shared/api/platform';

let document: OpenApiDocument | undefined;

/**
 * GET /v1/openapi.json — public: the OpenAPI 3.1 document, generated from the
 * route contracts once per container, with this API's own URL as its server.
 */
export const handler = apiHandler(getOpenApi, async ({ event }) => {
  const scheme = event.headers['x-forwarded-proto'] ?? 'https';
  document ??= buildOpenApi({ serverUrl: `${scheme}://${event.requestContext.domainName}` });
  return document;
});
