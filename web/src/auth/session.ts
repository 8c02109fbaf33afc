import type { WebConfig } from '../../config';

/** The tokens of a signed-in person, kept in sessionStorage (gone when the tab closes). */
export interface Session {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds after which the ID token is no longer accepted. */
  readonly expiresAt: number;
}

/** Claims of the Cognito ID token the web app reads. */
export interface IdClaims {
  readonly sub: string;
  readonly email?: string;
  readonly 'cognito:groups'?: readonly string[];
  readonly exp?: number;
  readonly iat?: number;
}

/** A sign-in or refresh failure, with a message meant for the person at the keyboard. */
export class AuthError extends Error {
  constructor(
    readonly kind: 'credentials' | 'network' | 'unsupported' | 'service',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

interface InitiateAuthResponse {
  readonly AuthenticationResult?: {
    readonly IdToken: string;
    readonly AccessToken: string;
    readonly RefreshToken?: string;
    readonly ExpiresIn?: number;
  };
  readonly ChallengeName?: string;
}

/**
 * Talks to the Cognito user pool API directly with `fetch` (the same JSON
 * protocol the AWS SDK uses), so the bundle carries no SDK.
 */
export class CognitoClient {
  constructor(
    private readonly config: Pick<WebConfig, 'cognitoEndpoint' | 'userPoolClientId'>,
    /** How to reach Cognito; a test passes a fake Cognito here. */
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
    private readonly now: () => number = () => Date.now(),
  ) {}

  async signIn(email: string, password: string): Promise<Session> {
    const result = await this.initiateAuth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD: password });
    return toSession(result, this.now());
  }

  /** Exchanges the refresh token for fresh ID and access tokens (Cognito keeps the refresh token). */
  async refresh(session: Session): Promise<Session> {
    if (!session.refreshToken) throw new AuthError('credentials', 'Your session has ended. Please sign in again.');
    const result = await this.initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: session.refreshToken });
    return toSession(result, this.now(), session.refreshToken);
  }

  private async initiateAuth(flow: string, parameters: Record<string, string>): Promise<InitiateAuthResponse> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.config.cognitoEndpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
        },
        body: JSON.stringify({ AuthFlow: flow, ClientId: this.config.userPoolClientId, AuthParameters: parameters }),
      });
    } catch {
      throw new AuthError('network', 'Could not reach the sign-in service. Check your connection and try again.');
    }
    const body = (await response.json().catch(() => ({}))) as InitiateAuthResponse & { __type?: string; message?: string };
    if (!response.ok) throw cognitoError(response.status, body.__type, body.message);
    return body;
  }
}

function cognitoError(status: number, type: string | undefined, message: string | undefined): AuthError {
  // The JSON protocol names the error in __type, sometimes prefixed with a namespace ("…#NotAuthorizedException").
  const name = type?.split('#').pop() ?? '';
  switch (name) {
    // Cognito answers a wrong password with NotAuthorizedException; cognito-local with InvalidPasswordException.
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'InvalidPasswordException':
      return new AuthError('credentials', 'That email and password do not match an account. Check them and try again.');
    case 'UserNotConfirmedException':
      return new AuthError('credentials', 'This account is not confirmed yet. Ask the studio team to confirm it.');
    case 'PasswordResetRequiredException':
      return new AuthError('credentials', 'This account needs a new password. Ask the studio team to reset it.');
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new AuthError('service', 'Too many sign-in attempts. Wait a minute, then try again.');
    default:
      return new AuthError('service', `Sign-in failed (${status}${message ? `: ${message}` : ''}). Please try again.`);
  }
}

function toSession(result: InitiateAuthResponse, now: number, previousRefreshToken?: string): Session {
  const tokens = result.AuthenticationResult;
  if (!tokens) {
    throw new AuthError(
      'unsupported',
      result.ChallengeName
        ? `This account must complete a step this app does not support yet (${result.ChallengeName}). Ask the studio team for help.`
        : 'The sign-in service returned no tokens. Please try again.',
    );
  }
  // The ID token's lifetime (exp − iat, both in the issuer's clock) counted from now on this
  // device's clock, so a device clock that runs behind or ahead does not shift the renewal.
  const claims = decodeClaims(tokens.IdToken);
  const lifetime = claims?.exp && claims.iat ? claims.exp - claims.iat : tokens.ExpiresIn ?? 3600;
  return {
    idToken: tokens.IdToken,
    accessToken: tokens.AccessToken,
    refreshToken: tokens.RefreshToken ?? previousRefreshToken,
    expiresAt: now + lifetime * 1000,
  };
}

/** Reads the payload of a JWT without verifying it: display only, the API verifies. */
export function decodeClaims(token: string): IdClaims | undefined {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    return JSON.parse(json) as IdClaims;
  } catch {
    return undefined;
  }
}

const STORAGE_KEY = 'headshot-studio.session';

/** Where the session is kept between page loads. */
export interface SessionStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const browserStorage = (): SessionStorageLike | undefined => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

export function sessionStoreOf(storage: () => SessionStorageLike | undefined = browserStorage) {
  return {
    load(): Session | undefined {
      try {
        const raw = storage()?.getItem(STORAGE_KEY);
        const session = raw ? (JSON.parse(raw) as Session) : undefined;
        return session?.idToken ? session : undefined;
      } catch {
        return undefined;
      }
    },
    save(session: Session): void {
      storage()?.setItem(STORAGE_KEY, JSON.stringify(session));
    },
    clear(): void {
      storage()?.removeItem(STORAGE_KEY);
    },
  };
}

export const sessionStore = sessionStoreOf();

/** The clock and timers the session manager uses; tests pass a fake clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Renew this long before the ID token expires (ID and access tokens live an hour). */
export const RENEW_BEFORE_MS = 5 * 60_000;
/** After a renewal that failed for want of a network, try again this much later. */
export const RETRY_MS = 30_000;

/** The part of {@link CognitoClient} the session manager needs. */
export type SessionService = Pick<CognitoClient, 'signIn' | 'refresh'>;

/**
 * Holds the current session and keeps it alive: it renews the tokens with the
 * refresh token (Cognito `InitiateAuth` `REFRESH_TOKEN_AUTH`) a few minutes before
 * the ID token expires, and whenever the API answers 401. One renewal at a time,
 * however many requests ask; when the refresh token is refused (expired after 30
 * days, or revoked) the session ends and the app asks the person to sign in again.
 */
export class SessionManager {
  private current: Session | undefined;
  private refreshing: Promise<Session | undefined> | undefined;
  private timer: unknown;

  constructor(
    private readonly cognito: SessionService,
    private readonly onEnded: (message: string) => void,
    private readonly clock: Clock = systemClock,
    private readonly store: ReturnType<typeof sessionStoreOf> = sessionStore,
  ) {
    this.current = store.load();
    this.schedule();
  }

  get session(): Session | undefined {
    return this.current;
  }

  get claims(): IdClaims | undefined {
    return this.current && decodeClaims(this.current.idToken);
  }

  async signIn(email: string, password: string): Promise<Session> {
    this.use(await this.cognito.signIn(email, password));
    return this.current!;
  }

  signOut(): void {
    this.current = undefined;
    this.refreshing = undefined;
    this.cancelTimer();
    this.store.clear();
  }

  /** The ID token to send, renewed first when it is about to expire (a sleeping tab misses its timer). */
  async idToken(): Promise<string | undefined> {
    if (this.current && this.current.expiresAt - this.clock.now() < RENEW_BEFORE_MS) await this.refresh();
    return this.current?.idToken;
  }

  /** Renews the tokens; on a refused refresh token ends the session and returns undefined. */
  refresh(): Promise<Session | undefined> {
    const session = this.current;
    if (!session) return Promise.resolve(undefined);
    this.refreshing ??= this.cognito
      .refresh(session)
      .then((fresh) => {
        // Signed out (or signed in again) while the renewal was on its way: keep what is there now.
        if (this.current !== session) return this.current;
        this.use(fresh);
        return fresh;
      })
      .catch((error: unknown) => {
        if (this.current !== session) return this.current;
        if (error instanceof AuthError && error.kind === 'network') throw error;
        this.signOut();
        this.onEnded('Your session has ended. Please sign in again.');
        return undefined;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private use(session: Session): void {
    this.current = session;
    this.store.save(session);
    this.schedule();
  }

  /** Sets the timer that renews the session before the ID token expires. */
  private schedule(delay?: number): void {
    this.cancelTimer();
    if (!this.current) return;
    const ms = delay ?? Math.max(0, this.current.expiresAt - RENEW_BEFORE_MS - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch(() => {
        // No network: keep the session and try again a little later.
        if (this.current) this.schedule(RETRY_MS);
      });
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
