import { createApiKey, listApiKeys, revokeApiKey } from '../../shared/api/apikeys';
import { API_DEFAULTS } from './defaults';
import { type DomainSpec, type FunctionSpec, serve } from './types';

const fn = (id: string, file: string, description: string, grants: FunctionSpec['grants']): FunctionSpec => ({
  ...API_DEFAULTS,
  id,
  entry: `functions/apikeys/${file}.handler.ts`,
  description,
  grants,
});

/**
 * API keys for automation: created, listed and revoked by signed-in people
 * (personal keys, or an organisation's by its owners and admins), stored as
 * the SHA-256 of their secret.
 */
export const apikeys: DomainSpec = {
  id: 'apikeys',
  description: 'API keys for automation: create, list, revoke',
  functions: [
    fn('CreateApiKey', 'create-api-key', 'Creates an API key, personal or an organisation\'s, and shows it once', { Table: 'readWrite' }),
    fn('ListApiKeys', 'list-api-keys', "Lists the caller's live API keys, or an organisation's for its owners and admins", { Table: 'read' }),
    fn('RevokeApiKey', 'revoke-api-key', 'Revokes an API key the caller manages', { Table: 'readWrite' }),
  ],
  routes: [serve(createApiKey, 'CreateApiKey'), serve(listApiKeys, 'ListApiKeys'), serve(revokeApiKey, 'RevokeApiKey')],
  stateMachines: [],
};

/** How long API Gateway keeps an authorizer's answer for one identity source (its default; at most 3,600 s). */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;

/**
 * The HTTP API's Lambda authorizer: a Cognito token or an API key. It belongs
 * to no domain stack: every domain's routes need it, so the `Api` stack builds
 * it (a stack may only reference stacks above it); the local cloud hosts it
 * like every function and its API front calls it.
 */
export const AUTHORIZER: FunctionSpec = {
  ...API_DEFAULTS,
  // Called before every uncached request: small and quick.
  memoryMb: 256,
  timeoutSeconds: 5,
  id: 'Authorize',
  entry: 'functions/apikeys/authorize.handler.ts',
  description: "The API's authorizer: accepts a Cognito ID or access token of the web client, or a live API key",
  grants: { Table: 'read', SignInTokens: 'verify' },
};
