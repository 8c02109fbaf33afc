import type { CreateOrderInput, Decision, OrderStatus, OrderView } from '../../../shared/orders';

/**
 * The one client of the studio's HTTP API: every request the web app makes to
 * the API goes through {@link ApiClient}, so its types can follow the API's
 * contract from one place.
 */

/** An API failure, with a message meant for the person using the app. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the API could not be reached. */
    readonly status: number,
    /**
     * What went wrong, from the error body's `code` (e.g. `ORDER_NOT_FOUND`);
     * `HTTP_<status>` when the body names none, `NETWORK` when the API was not reached.
     */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * Whether this is the failure `code`; when the answer named no code, whether
   * its status is `fallbackStatus` (for backends that send only `{ message }`).
   */
  is(code: string, fallbackStatus?: number): boolean {
    if (this.code === code) return true;
    return fallbackStatus !== undefined && this.status === fallbackStatus && this.code === fallbackCode(this.status);
  }
}

/** Error codes the views act on. */
export const ErrorCodes = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  ORDER_NOT_WAITING: 'ORDER_NOT_WAITING',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NETWORK: 'NETWORK',
} as const;

export function fallbackCode(status: number): string {
  return status === 0 ? ErrorCodes.NETWORK : `HTTP_${status}`;
}

export interface Me {
  readonly sub: string;
  readonly email?: string;
  readonly groups: readonly string[];
}

/** Which page of a list to read. */
export interface PageRequest {
  readonly limit?: number;
  /** The `nextCursor` of the page before. */
  readonly cursor?: string;
}

/** One page of orders; `nextCursor` is there when more follow. */
export interface OrderPage {
  readonly orders: readonly OrderView[];
  readonly nextCursor?: string;
}

/** Where the client gets the signed-in person's token, and how it renews it. */
export interface TokenSource {
  idToken(): Promise<string | undefined>;
  /** Renews the tokens; resolves undefined when the person must sign in again. */
  refresh(): Promise<unknown>;
}

interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Send the ID token (default). Public routes go without it. */
  readonly auth?: boolean;
}

/** The HTTP API of the studio, called with the signed-in person's ID token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens?: TokenSource,
  ) {}

  me(signal?: AbortSignal): Promise<Me> {
    return this.request('GET', '/me', { signal });
  }

  listOrders(page: PageRequest = {}, signal?: AbortSignal): Promise<OrderPage> {
    return this.request<OrderPage>('GET', '/orders', { signal, query: { limit: page.limit, cursor: page.cursor } });
  }

  getOrder(orderId: string, signal?: AbortSignal): Promise<OrderView> {
    return this.request('GET', `/orders/${encodeURIComponent(orderId)}`, { signal });
  }

  createOrder(input: CreateOrderInput): Promise<OrderView> {
    return this.request('POST', '/orders', { body: input });
  }

  /** Orders in one status, for admins (the confirmation queue by default). */
  orderQueue(status: OrderStatus, page: PageRequest = {}, signal?: AbortSignal): Promise<OrderPage> {
    return this.request<OrderPage>('GET', '/admin/orders', { signal, query: { status, limit: page.limit, cursor: page.cursor } });
  }

  decide(orderId: string, decision: Decision): Promise<{ orderId: string; decision: string }> {
    return this.request('POST', `/admin/orders/${encodeURIComponent(orderId)}/decision`, { body: decision });
  }

  /** The API's OpenAPI document; public, so it is read without a token. */
  openApi(signal?: AbortSignal): Promise<unknown> {
    return this.request('GET', '/v1/openapi.json', { signal, auth: false });
  }

  private async request<T>(method: string, path: string, options: RequestOptions, retried = false): Promise<T> {
    const { body, signal, auth = true } = options;
    const token = auth ? await this.tokens?.idToken() : undefined;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}${queryString(options.query)}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, ErrorCodes.NETWORK, 'Could not reach the studio. Check your connection and try again.');
    }

    // An expired or revoked token: refresh once and retry; the session manager
    // signs the person out when the refresh fails.
    if (response.status === 401 && token && !retried && this.tokens) {
      const fresh = await this.tokens.refresh();
      if (fresh) return this.request(method, path, options, true);
    }

    const payload = (await response.json().catch(() => undefined)) as unknown;
    if (response.ok) return payload as T;
    const error = (payload ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof error.code === 'string' && error.code ? error.code : fallbackCode(response.status);
    const message = typeof error.message === 'string' && error.message ? error.message : undefined;
    throw new ApiError(response.status, code, messageFor(response.status, message));
  }
}

function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function messageFor(status: number, message: string | undefined): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return `You do not have access to this.${message ? ` ${message}` : ''}`;
  if (status >= 500) return message ?? 'Something went wrong on our side. Please try again in a minute.';
  return message ?? `The request failed (${status}).`;
}
