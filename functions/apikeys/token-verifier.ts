import { JwtRsaVerifier } from 'aws-jwt-verify';
import { KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import * as z from '#shared/validation';

export type Claims = Record<string, unknown>;

/** Verifies a sign-in token and answers its claims, or throws with the reason it is refused. */
export interface TokenVerifier {
  verify(token: string): Promise<Claims>;
}

/** What the `SignInTokens` grant carries (`TOKEN_ISSUER`): the issuer and the app clients whose tokens the API accepts. */
export const tokenIssuerSchema = z.object({ issuer: z.string().check(z.minLength(1)), audience: z.array(z.string()) });
export type TokenIssuer = z.output<typeof tokenIssuerSchema>;

/** Parses the `TOKEN_ISSUER` variable, failing the cold start when it is not what the binders write. */
export function parseTokenIssuer(value: string): TokenIssuer {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error('TOKEN_ISSUER is not JSON');
  }
  const parsed = tokenIssuerSchema.safeParse(json);
  if (!parsed.success) throw new Error(`TOKEN_ISSUER is not { issuer, audience }: ${z.describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * The claim checks of the HTTP API JWT authorizer beyond signature, `kid` and `iss`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html,
 * "Validate claims"), which the API kept when it moved to its Lambda authorizer: `aud` or
 * `client_id` must match one of the configured audiences (`client_id` is checked only when the
 * token has no `aud`; with both, `aud` decides), `exp` must be after the current time, `nbf` and
 * `iat` before it. So a Cognito ID token (`aud` = the app client) and a Cognito access token (no
 * `aud`, `client_id` = the app client) are both accepted. Cognito marks each with `token_use`
 * (`id` or `access`); anything else is refused. Throws with the reason when the token is refused.
 */
export function assertAuthorizerClaims(payload: Claims, audience: readonly string[], nowSeconds = Date.now() / 1000): void {
  if (typeof payload.exp !== 'number') throw new Error('the token has no exp');
  if (payload.exp <= nowSeconds) throw new Error('the token has expired');
  if (payload.nbf !== undefined && !(typeof payload.nbf === 'number' && payload.nbf <= nowSeconds)) throw new Error('the token is not valid yet (nbf)');
  if (payload.iat !== undefined && !(typeof payload.iat === 'number' && payload.iat <= nowSeconds)) throw new Error('the token was issued in the future (iat)');
  if (payload.token_use !== undefined && payload.token_use !== 'id' && payload.token_use !== 'access') throw new Error('the token is neither an ID nor an access token (token_use)');
  if (payload.aud !== undefined) {
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => typeof a === 'string' && audience.includes(a))) throw new Error('the token is for another audience (aud)');
    return;
  }
  if (typeof payload.client_id !== 'string' || !audience.includes(payload.client_id)) throw new Error('the token is for another client (client_id)');
}

/** Fetches a JWKS at most this often when a token names a key the cache lacks (a key rotation). */
const JWKS_REFETCH_MS = 60_000;

/**
 * Cognito tokens checked as the HTTP API JWT authorizer checks them: the
 * signature against the issuer's JWKS (`<issuer>/.well-known/jwks.json`,
 * fetched here with `fetch`, so cognito-local's plain-http issuer works as
 * Cognito's https one does), `iss` exactly, then {@link assertAuthorizerClaims}.
 */
export class CognitoTokenVerifier implements TokenVerifier {
  private readonly verifier;
  private loaded: Promise<void> | undefined;
  private loadedAt = 0;

  constructor(
    private readonly config: TokenIssuer,
    private readonly fetchJwks: (uri: string) => Promise<unknown> = defaultFetchJwks,
    private readonly now: () => number = Date.now,
  ) {
    this.verifier = JwtRsaVerifier.create({
      issuer: config.issuer,
      // aws-jwt-verify checks `aud` only; the authorizer also accepts `client_id` (access tokens).
      audience: null,
      jwksUri: this.jwksUri,
      customJwtCheck: ({ payload }: { payload: JwtPayload }) => assertAuthorizerClaims(payload as Claims, config.audience, this.now() / 1000),
    });
  }

  get jwksUri(): string {
    return `${this.config.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  }

  async verify(token: string): Promise<Claims> {
    await this.load(false);
    try {
      return (await this.verifier.verify(token)) as Claims;
    } catch (error) {
      // A key the cache lacks: the issuer may have rotated its keys; read them again (rarely) and retry once.
      if (!(error instanceof KidNotFoundInJwksError) || this.now() - this.loadedAt < JWKS_REFETCH_MS) throw error;
      await this.load(true);
      return (await this.verifier.verify(token)) as Claims;
    }
  }

  private load(again: boolean): Promise<void> {
    if (!this.loaded || again) {
      this.loadedAt = this.now();
      this.loaded = this.fetchJwks(this.jwksUri).then((jwks) => this.verifier.cacheJwks(jwks as never));
      // A failed fetch is tried again on the next token.
      this.loaded.catch(() => (this.loaded = undefined));
    }
    return this.loaded;
  }
}

async function defaultFetchJwks(uri: string): Promise<unknown> {
  const res = await fetch(uri, { signal: AbortSignal.timeout(3_000) });
  if (!res.ok) throw new Error(`Could not read the JWKS at ${uri}: HTTP ${res.status}`);
  return res.json();
}
