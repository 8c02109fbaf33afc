import { parseGroups } from '#lib/api-handler';
import type { Organisations } from '#functions/organisations/organisation-store';
import { API_KEY_PREFIX, parseApiKey } from '#shared/apikeys';
import type { ApiKeys } from './api-key-store';
import { secretMatches } from './keys';
import type { TokenVerifier } from './token-verifier';

/**
 * The payload-2.0 event of an HTTP API Lambda authorizer of type REQUEST
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html);
 * only what the authorizer reads.
 */
export interface AuthorizerEvent {
  readonly version?: string;
  readonly type?: string;
  readonly routeArn?: string;
  readonly identitySource?: readonly string[] | null;
  readonly routeKey?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/**
 * What the authorizer hands to every integration as `requestContext.authorizer.lambda`
 * (simple responses carry flat values): the caller, and for a key the key.
 * `functions/lib/api-handler.ts` (`callerOf`) reads it back.
 */
export interface AuthorizerContext {
  readonly sub: string;
  /** Cognito groups, comma-separated; always empty for a key. */
  readonly groups: string;
  readonly via: 'token' | 'apiKey';
  readonly rateLimitPerMinute: number;
  readonly keyId?: string;
  readonly scope?: string;
  readonly organisationId?: string;
  readonly role?: string;
}

/** The simple response format: allowed or not, and the context for the integration. */
export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: AuthorizerContext;
}

export interface AuthorizerDeps {
  readonly keys: Pick<ApiKeys, 'get'>;
  readonly organisations: Pick<Organisations, 'membership'>;
  readonly tokens: TokenVerifier;
  /** Requests a minute a signed-in person (a token) may make. */
  readonly tokenRateLimitPerMinute: number;
  /** Where refusals are explained (never to the client, who sees only 403). */
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

const DENY: AuthorizerResult = { isAuthorized: false };

/**
 * One authorizer for every signed-in route: `Authorization: Bearer <token>`
 * with a Cognito ID or access token of the web client (checked by the rules of
 * the HTTP API JWT authorizer it replaces), or `Bearer hsk_…`, an API key
 * (found by its ID, its secret's SHA-256 compared in constant time, refused
 * once revoked; an organisation's key also once its creator is no longer an
 * owner or admin there). Anything else is denied, which API Gateway answers
 * 403. A failing table read throws, which API Gateway answers 500.
 */
export async function authorize(deps: AuthorizerDeps, event: AuthorizerEvent): Promise<AuthorizerResult> {
  const identity = event.identitySource?.[0] ?? event.headers?.authorization ?? '';
  // The identity source may hold the credential alone or prefixed with "Bearer".
  const credential = identity.replace(/^Bearer\s+/i, '').trim();
  if (!credential) return DENY;
  return credential.startsWith(API_KEY_PREFIX) ? authorizeKey(deps, credential) : authorizeToken(deps, credential);
}

async function authorizeToken(deps: AuthorizerDeps, token: string): Promise<AuthorizerResult> {
  let claims: Record<string, unknown>;
  try {
    claims = await deps.tokens.verify(token);
  } catch (error) {
    deps.log?.('Token refused', { reason: (error as Error).message });
    return DENY;
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') return DENY;
  return {
    isAuthorized: true,
    context: { sub: claims.sub, groups: parseGroups(claims['cognito:groups']).join(','), via: 'token', rateLimitPerMinute: deps.tokenRateLimitPerMinute },
  };
}

async function authorizeKey(deps: AuthorizerDeps, credential: string): Promise<AuthorizerResult> {
  const parsed = parseApiKey(credential);
  if (!parsed) return refuse(deps, 'not shaped like an API key');
  const key = await deps.keys.get(parsed.keyId);
  if (!key) return refuse(deps, 'unknown key', parsed.keyId);
  if (!secretMatches(parsed.secret, key.secretHash)) return refuse(deps, 'wrong secret', key.keyId);
  if (key.revokedAt) return refuse(deps, 'revoked', key.keyId);
  if (key.scope === 'organisation') {
    const membership = key.organisationId ? await deps.organisations.membership(key.organisationId, key.createdBy) : undefined;
    if (!membership || (membership.role !== 'owner' && membership.role !== 'admin')) return refuse(deps, 'its creator no longer runs the organisation', key.keyId);
  }
  return {
    isAuthorized: true,
    context: {
      sub: key.createdBy,
      groups: '',
      via: 'apiKey',
      rateLimitPerMinute: key.rateLimitPerMinute,
      keyId: key.keyId,
      scope: key.scope,
      ...(key.organisationId && { organisationId: key.organisationId }),
      ...(key.role && { role: key.role }),
    },
  };
}

function refuse(deps: AuthorizerDeps, reason: string, keyId?: string): AuthorizerResult {
  deps.log?.('API key refused', { reason, ...(keyId && { keyId }) });
  return DENY;
}
