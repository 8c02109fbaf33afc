import { getHealth, getOpenApi } from '../../shared/api/platform';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, serve } from './types';

/** The API about itself: health and the OpenAPI document. */
export const platform: DomainSpec = {
  id: 'platform',
  description: 'Health check and the OpenAPI document',
  functions: [
    {
      ...API_DEFAULTS,
      id: 'GetHealth',
      entry: 'functions/platform/get-health.handler.ts',
      description: 'Answers that the API is up, with its version',
      memoryMb: 256,
      grants: {},
    },
    {
      ...API_DEFAULTS,
      id: 'GetOpenApi',
      entry: 'functions/platform/get-openapi.handler.ts',
      description: 'Serves the OpenAPI 3.1 document generated from the route contracts',
      grants: {},
    },
  ],
  routes: [serve(getHealth, 'GetHealth'), serve(getOpenApi, 'GetOpenApi')],
  stateMachines: [],
};
