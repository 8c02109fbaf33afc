import * as z from '../validation';
import { defineRoute } from './contract';

/** Public routes about the API itself. */
export const getHealth = defineRoute({
  operationId: 'getHealth',
  method: 'GET',
  path: '/v1/health',
  auth: 'none',
  tag: 'platform',
  summary: 'Whether the API answers',
  status: 200,
  response: z.object({ status: z.literal('ok'), version: z.string() }),
  errors: [],
});

export const getOpenApi = defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/v1/openapi.json',
  auth: 'none',
  tag: 'platform',
  summary: 'This API as an OpenAPI 3.1 document',
  status: 200,
  response: z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }),
  errors: [],
});
