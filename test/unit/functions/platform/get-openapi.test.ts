import '../../helpers/env';
import { handler } from '#functions/platform/get-openapi.handler';
import { ALL_ROUTES } from '#shared/api/index';
import { API_VERSION } from '#shared/api/version';
import { invoke, makeEvent } from '../../helpers/events';

interface Document {
  readonly openapi: string;
  readonly info: { readonly version: string };
  readonly servers?: { readonly url: string }[];
  readonly paths: Record<string, Record<string, { operationId: string; security: unknown[] }>>;
}

const openApi = () => makeEvent({ routeKey: 'GET /v1/openapi.json', claims: null, headers: { 'x-forwarded-proto': 'https' } });

describe('Function: GetOpenApi', () => {
  it('answers 200 to a caller without claims (public)', async () => {
    // Act
    const response = await invoke(handler, openApi());

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('answers an OpenAPI 3.1 document of this API version', async () => {
    // Act
    const response = await invoke<Document>(handler, openApi());

    // Assess
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.info.version).toBe(API_VERSION);
  });

  it.each(ALL_ROUTES.map((route) => [route.method, route.path, route.operationId] as const))('documents %s %s', async (method, path, operationId) => {
    // Act
    const response = await invoke<Document>(handler, openApi());

    // Assess
    expect(response.body.paths[path]?.[method.toLowerCase()]).toMatchObject({ operationId });
  });

  it('documents every route and no other', async () => {
    // Act
    const response = await invoke<Document>(handler, openApi());

    // Assess
    const documented = Object.entries(response.body.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ALL_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('names the API it was served from as its server', async () => {
    // Act
    const response = await invoke<Document>(handler, openApi());

    // Assess
    expect(response.body.servers).toEqual([{ url: 'https://api123.execute-api.eu-west-1.amazonaws.com' }]);
  });

  it('answers 400 UNKNOWN_PARAMETER for a query parameter', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/openapi.json', claims: null, queryStringParameters: { format: 'yaml' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
  });
});
