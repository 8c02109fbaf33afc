import * as z from '../validation';
import { type AnyRoute, errorsOf, groupsOf, pathParamNames, type Schema, shapeOf } from './contract';
import { ERRORS } from './errors';
import { ALL_ROUTES, TAGS } from './index';
import { API_VERSION } from './version';

type Json = Record<string, unknown>;

export interface OpenApiOptions {
  /** Base URL of the deployed API, listed under `servers`. @default - none (relative) */
  readonly serverUrl?: string;
  /** The routes to document. @default ALL_ROUTES */
  readonly routes?: readonly AnyRoute[];
}

/**
 * The OpenAPI 3.1 document of the API, generated from the route contracts:
 * JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) from the zod schemas,
 * security from each route's `auth`, and every error code it can answer.
 */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, Json>>;
  readonly [key: string]: unknown;
}

export function buildOpenApi(options: OpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of options.routes ?? ALL_ROUTES) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Headshot Studio API',
      version: API_VERSION,
      description:
        'The public API of the headshot studio. Send a Cognito ID or access token as `Authorization: Bearer <token>` on every route that is not public. Errors answer `{ code, message }`: branch on `code`, show `message`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: {
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID or access token of the web app client.' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'hsk_<keyId>_<secret>',
          description: 'An API key (POST /v1/api-keys), sent as `Authorization: Bearer hsk_…` in place of a token. It acts as its creator, without their groups; API keys may not manage API keys.',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERRORS), description: 'Stable error code.' },
            message: { type: 'string', description: 'What went wrong, for a person to read.' },
          },
          additionalProperties: false,
        },
      },
    },
  };
}

function operation(route: AnyRoute): Json {
  const groups = groupsOf(route);
  const errors = errorsOf(route);
  const responses: Record<string, Json> = {
    [String(route.status)]: { description: route.summary, content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
  };
  for (const status of [...new Set(errors.map((code) => ERRORS[code].status))]) {
    const codes = errors.filter((code) => ERRORS[code].status === status);
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERRORS[code].description}`).join(' '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    // Either credential: a token, or (for routes a person without a group may call) an API key.
    security: route.auth === 'none' ? [] : route.auth === 'user' ? [{ cognito: [] }, { apiKey: [] }] : [{ cognito: [] }],
    'x-auth': route.auth,
    ...(groups.length ? { 'x-required-groups': groups } : {}),
    parameters: [...parameters(route, 'path'), ...parameters(route, 'query')],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
    'x-error-codes': errors.map((code) => ({ code, status: ERRORS[code].status, description: ERRORS[code].description })),
    // API Gateway answers 429 `{ "message": "Too Many Requests" }` over these limits (across all callers).
    ...(route.throttle ? { 'x-throttle': { ...route.throttle } } : {}),
  };
}

function parameters(route: AnyRoute, where: 'path' | 'query'): Json[] {
  const schema = where === 'path' ? route.params : route.query;
  const names = where === 'path' ? pathParamNames(route.path) : Object.keys(schema ? shapeOf(schema) : {});
  if (where === 'path' && names.length && !schema) throw new Error(`${route.operationId}: ${route.path} has path parameters but no params schema.`);
  const object = schema ? jsonSchema(schema, 'input') : { properties: {}, required: [] };
  const properties = (object.properties ?? {}) as Record<string, Json>;
  const required = new Set((object.required ?? []) as string[]);
  return names.map((name) => {
    const property = properties[name];
    if (!property) throw new Error(`${route.operationId}: no schema for the ${where} parameter "${name}".`);
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** A zod schema as JSON Schema 2020-12, without the `$schema` key (OpenAPI 3.1 sets the dialect). */
export function jsonSchema(schema: Schema, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}
