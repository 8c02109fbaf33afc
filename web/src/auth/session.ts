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
  constructor(private readonly config: Pick<WebConfig, 'cognitoEndpoint' | 'userPoolClientId'>) {}

  async signIn(email: string, password: string): Promise<Session> {
    const result = await this.initiateAuth('USER_PASSWORD_AUTH', { USERNAME: email, PASSWORD: password });
    return toSession(result);
  }

  /** Exchanges the refresh token for fresh ID and access tokens (Cognito keeps the refresh token). */
  async refresh(session: Session): Promise<Session> {
    if (!session.refreshToken) throw new AuthError('credentials', 'Your session has ended. Please sign in again.');
    const result = await this.initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: session.refreshToken });
    return toSession(result, session.refreshToken);
  }

  private async initiateAuth(flow: string, parameters: Record<string, string>): Promise<InitiateAuthResponse> {
    let response: Response;
    try {
      response = await fetch(this.config.cognitoEndpoint, {
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

function toSession(result: InitiateAuthResponse, previousRefreshToken?: string): Session {
  const tokens = result.AuthenticationResult;
  if (!tokens) {
    throw new AuthError(
      'unsupported',
      result.ChallengeName
        ? `This account must complete a step this app does not support yet (${result.ChallengeName}). Ask the studio team for help.`
        : 'The sign-in service returned no tokens. Please try again.',
    );
  }
  const exp = decodeClaims(tokens.IdToken)?.exp;
  return {
    idToken: tokens.IdToken,
    accessToken: tokens.AccessToken,
    refreshToken: tokens.RefreshToken ?? previousRefreshToken,
    expiresAt: exp ? exp * 1000 : Date.now() + (tokens.ExpiresIn ?? 3600) * 1000,
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

export const sessionStore = {
  load(): Session | undefined {
    try {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      const session = raw ? (JSON.parse(raw) as Session) : undefined;
      return session?.idToken ? session : undefined;
    } catch {
      return undefined;
    }
  },
  save(session: Session): void {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  },
  clear(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  },
};

/**
 * Holds the current session, refreshes it (one refresh at a time, however many
 * requests ask), and tells the app when the person has to sign in again.
 */
export class SessionManager {
  private current: Session | undefined = sessionStore.load();
  private refreshing: Promise<Session | undefined> | undefined;

  constructor(
    private readonly cognito: CognitoClient,
    private readonly onEnded: (message: string) => void,
  ) {}

  get session(): Session | undefined {
    return this.current;
  }

  get claims(): IdClaims | undefined {
    return this.current && decodeClaims(this.current.idToken);
  }

  async signIn(email: string, password: string): Promise<Session> {
    this.current = await this.cognito.signIn(email, password);
    sessionStore.save(this.current);
    return this.current;
  }

  signOut(): void {
    this.current = undefined;
    this.refreshing = undefined;
    sessionStore.clear();
  }

  /** The ID token to send, refreshed first when it expires within a minute. */
  async idToken(): Promise<string | undefined> {
    if (this.current && this.current.expiresAt - Date.now() < 60_000) await this.refresh();
    return this.current?.idToken;
  }

  /** Refreshes the tokens; on failure ends the session and returns undefined. */
  refresh(): Promise<Session | undefined> {
    const session = this.current;
    if (!session) return Promise.resolve(undefined);
    this.refreshing ??= this.cognito
      .refresh(session)
      .then((fresh) => {
        this.current = fresh;
        sessionStore.save(fresh);
        return fresh;
      })
      .catch((error: unknown) => {
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
}
