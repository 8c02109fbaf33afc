import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROUTES, routeKey } from '../../../infra/catalogue';
import { ALL_ROUTES, type AnyRoute, defineRoute, errorsOf } from '../../../shared/api';
import { buildOpenApi, type OpenApiDocument } from '../../../shared/api/openapi';
import * as z from '../../../shared/validation';

type Operation = {
  operationId: string;
  security: unknown[];
  'x-auth': string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  'x-error-codes': { code: string; status: number }[];
};
const operations = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as unknown as Operation })),
  );

/** Validates with @seriousme/openapi-schema-validator (the official OpenAPI 3.1 schema) in a child process. */
async function validate(doc: unknown): Promise<{ valid: boolean; errors: unknown }> {
  const child = spawnSync(process.execPath, [join(__dirname, '..', '..', 'support', 'validate-openapi.mjs')], { input: JSON.stringify(doc), encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`The validator failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { valid: boolean; errors: unknown };
}

describe('OpenAPI document', () => {
  const doc = buildOpenApi({ serverUrl: 'https://api.example.com' });

  it('is a valid OpenAPI 3.1 document', async () => {
    // Act
    const result = await validate(doc);

    // Assess
    expect(doc.openapi).toBe('3.1.0');
    expect(result).toEqual({ valid: true, errors: null });
  });

  it('fails validation when the document is broken (the check can fail)', async () => {
    // Prepare: a parameter "in" the body is Swagger 2, not OpenAPI 3.1.
    const broken = JSON.parse(JSON.stringify(doc)) as { paths: Record<string, Record<string, { parameters: { in: string }[] }>> };
    broken.paths['/v1/orders/{orderId}'].get.parameters[0].in = 'body';

    // Act
    const result = await validate(broken);

    // Assess
    expect(result.valid).toBe(false);
  });

  it('documents exactly the routes of the route table', () => {
    expect(operations(doc).map((o) => o.key).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('documents every route with its operationId, a response schema and its error codes', () => {
    for (const route of ALL_ROUTES) {
      const { op } = operations(doc).find((o) => o.key === routeKey(route))!;
      expect(op.operationId).toBe(route.operationId);
      expect(op.responses[String(route.status)]).toMatchObject({ content: { 'application/json': { schema: expect.any(Object) } } });
      expect(op['x-error-codes'].map((e) => e.code)).toEqual(errorsOf(route));
      for (const error of op['x-error-codes']) expect(op.responses[String(error.status)]).toBeDefined();
    }
  });

  it('marks public routes with empty security, signed-in routes with a token or an API key, group routes with a token only', () => {
    for (const { key, op } of operations(doc)) {
      const route = ROUTES.find((r) => routeKey(r) === key)!;
      expect({ key, security: op.security, auth: op['x-auth'] }).toEqual({
        key,
        // Keys carry no groups, so an admin or artist route takes a token only.
        security: route.auth === 'none' ? [] : route.auth === 'user' ? [{ cognito: [] }, { apiKey: [] }] : [{ cognito: [] }],
        auth: route.auth,
      });
    }
    expect(Object.keys((doc as unknown as { components: { securitySchemes: object } }).components.securitySchemes)).toEqual(['cognito', 'apiKey']);
  });

  it('describes path parameters, query parameters and the body from the schemas', () => {
    const byKey = Object.fromEntries(operations(doc).map(({ key, op }) => [key, op]));
    expect(byKey['GET /v1/orders/{orderId}'].parameters).toEqual([expect.objectContaining({ name: 'orderId', in: 'path', required: true, schema: expect.objectContaining({ format: 'uuid' }) })]);
    expect(byKey['GET /v1/admin/orders'].parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(['query:status:false', 'query:limit:false', 'query:cursor:false']);
    expect(byKey['POST /v1/orders'].requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { type: 'object', required: ['studioId', 'styleIds'], additionalProperties: false } } },
    });
  });

  it('refuses a route whose path parameter has no schema', () => {
    // Prepare
    const route = defineRoute({
      operationId: 'broken',
      method: 'GET',
      path: '/v1/things/{thingId}',
      auth: 'user',
      tag: 'orders',
      summary: 'A route without a params schema',
      status: 200,
      response: z.object({}),
      errors: [],
    }) as AnyRoute;

    // Act / Assess
    expect(() => buildOpenApi({ routes: [route] })).toThrow(/has path parameters but no params schema/);
  });

  it('refuses a route outside /v1', () => {
    expect(() =>
      defineRoute({ operationId: 'old', method: 'GET', path: '/orders', auth: 'user', tag: 'orders', summary: 'Old', status: 200, response: z.object({}), errors: [] }),
    ).toThrow(/every route lives under \/v1/);
  });
});
