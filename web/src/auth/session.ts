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
    readonly kind: 'credentials' | 'network' | 'unsupported' | 'service' | 'conflict' | 'code' | 'password' | 'unconfirmed',
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

  /**
   * Creates an account; Cognito e-mails a code to confirm the address (the
   * local cloud files it in its outbox). Answers whether the account still
   * needs that code.
   */
  async signUp(email: string, password: string): Promise<{ readonly needsCode: boolean }> {
    const answer = await this.call<{ UserConfirmed?: boolean }>('SignUp', 'sign-up', {
      Username: email,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: email }],
    });
    return { needsCode: !answer.UserConfirmed };
  }

  /** Confirms a new account with the code from the e-mail. */
  async confirmSignUp(email: string, code: string): Promise<void> {
    await this.call('ConfirmSignUp', 'code', { Username: email, ConfirmationCode: code });
  }

  /** Sends a new sign-up code. */
  async resendCode(email: string): Promise<void> {
    await this.call('ResendConfirmationCode', 'code', { Username: email });
  }

  /** Sends a code to reset a forgotten password. */
  async forgotPassword(email: string): Promise<void> {
    await this.call('ForgotPassword', 'reset', { Username: email });
  }

  /** Sets a new password with the code from the reset e-mail. */
  async confirmForgotPassword(email: string, code: string, password: string): Promise<void> {
    await this.call('ConfirmForgotPassword', 'reset', { Username: email, ConfirmationCode: code, Password: password });
  }

  /** Changes the signed-in person's password (their access token proves who they are). */
  async changePassword(accessToken: string, previous: string, next: string): Promise<void> {
    await this.call('ChangePassword', 'change', { AccessToken: accessToken, PreviousPassword: previous, ProposedPassword: next }, false);
  }

  private initiateAuth(flow: string, parameters: Record<string, string>): Promise<InitiateAuthResponse> {
    return this.call<InitiateAuthResponse>('InitiateAuth', 'sign-in', { AuthFlow: flow, AuthParameters: parameters });
  }

  /** One call of the user pool API; the app client's ID goes with every call that takes one. */
  private async call<T>(operation: string, context: CognitoContext, body: Record<string, unknown>, withClient = true): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.config.cognitoEndpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
        },
        body: JSON.stringify(withClient ? { ClientId: this.config.userPoolClientId, ...body } : body),
      });
    } catch {
      throw new AuthError('network', 'Could not reach the sign-in service. Check your connection and try again.');
    }
    const answer = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
    if (!response.ok) throw cognitoError(response.status, answer.__type, answer.message, context);
    return answer;
  }
}

/** What the person was doing when Cognito refused: the same error reads differently in each. */
type CognitoContext = 'sign-in' | 'sign-up' | 'code' | 'reset' | 'change';

function cognitoError(status: number, type: string | undefined, message: string | undefined, context: CognitoContext = 'sign-in'): AuthError {
  // The JSON protocol names the error in __type, sometimes prefixed with a namespace ("…#NotAuthorizedException").
  const name = type?.split('#').pop() ?? '';
  switch (name) {
    case 'UsernameExistsException':
      return new AuthError('conflict', 'An account with this email address exists already. Sign in, or reset its password.');
    case 'CodeMismatchException':
      return new AuthError('code', 'That code is not right. Check the latest e-mail and type the code again.');
    case 'ExpiredCodeException':
      return new AuthError('code', 'That code has expired. Ask for a new one.');
    case 'InvalidPasswordException':
      // cognito-local answers a wrong current password this way too (Cognito: NotAuthorizedException); only a policy message is about the new one.
      if (context === 'change' && !/polic|conform/i.test(message ?? '')) return new AuthError('credentials', 'Your current password is not right.');
      if (context !== 'sign-in') return new AuthError('password', passwordRule(message));
      break;
    case 'InvalidParameterException':
      if (context === 'sign-up') return new AuthError('password', message ?? 'Check the email address and password.');
      break;
    case 'NotAuthorizedException':
      if (context === 'change') return new AuthError('credentials', 'Your current password is not right.');
      if (context === 'code') return new AuthError('code', 'This account is confirmed already. Sign in.');
      break;
    case 'UserNotFoundException':
      if (context === 'code' || context === 'reset') return new AuthError('credentials', 'No account uses this email address. Check it, or create an account.');
      break;
  }
  switch (name) {
    // Cognito answers a wrong password with NotAuthorizedException; cognito-local with InvalidPasswordException.
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'InvalidPasswordException':
      return new AuthError('credentials', 'That email and password do not match an account. Check them and try again.');
    case 'UserNotConfirmedException':
      return new AuthError('unconfirmed', 'This account is not confirmed yet. Type the code we e-mailed you.');
    case 'PasswordResetRequiredException':
      return new AuthError('credentials', 'This account needs a new password. Ask the studio team to reset it.');
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new AuthError('service', context === 'sign-in' ? 'Too many sign-in attempts. Wait a minute, then try again.' : 'Too many attempts. Wait a few minutes, then try again.');
    default:
      return new AuthError('service', `${context === 'sign-in' ? 'Sign-in' : 'That'} failed (${status}${message ? `: ${message}` : ''}). Please try again.`);
  }
}

/** Cognito's password-policy message, or the policy as the pool states it. */
function passwordRule(message: string | undefined): string {
  const policy = message?.replace(/^Password does not conform to policy:\s*/i, '').trim();
  return policy && /password/i.test(policy) ? `${policy.replace(/\.$/, '')}. ${PASSWORD_RULE}` : PASSWORD_RULE;
}

/** The user pool's password policy, in words (infra/lib/constructs/user-directory.ts). */
export const PASSWORD_RULE = 'Use at least 12 characters with upper- and lower-case letters, a digit and a symbol.';

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
