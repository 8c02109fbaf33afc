import type { Me } from '../../../shared/api/accounts';
import { decideOrder, listOrderQueue } from '../../../shared/api/admin';
import { getMe } from '../../../shared/api/accounts';
import type { ResponseOf, RouteContract, Schema } from '../../../shared/api/contract';
import { fillPath } from '../../../shared/api/contract';
import { getLockStats } from '../../../shared/api/generation';
import { listOrderImages } from '../../../shared/api/review';
import { createOrder, getOrder, listOrders } from '../../../shared/api/orders';
import { getOpenApi } from '../../../shared/api/platform';
import type { CreateOrderInput, Decision, OpenStatus, OrderView } from '../../../shared/orders';
import type * as z from '../../../shared/validation';

/**
 * The one client of the studio's HTTP API: every request the web app makes to
 * the API goes through {@link ApiClient.call} with a route contract from
 * `shared/api`, which types its input and checks (and types) its answer.
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
  ORDER_NOT_EDITABLE: 'ORDER_NOT_EDITABLE',
  PHOTO_NOT_FOUND: 'PHOTO_NOT_FOUND',
  STUDIO_NOT_FOUND: 'STUDIO_NOT_FOUND',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NETWORK: 'NETWORK',
  /** The answer did not match the route's contract. */
  UNEXPECTED_RESPONSE: 'UNEXPECTED_RESPONSE',
} as const;

export function fallbackCode(status: number): string {
  return status === 0 ? ErrorCodes.NETWORK : `HTTP_${status}`;
}

export type { Me };

/** An order's generated images, for admins: what `GET /v1/admin/orders/{orderId}/images` answers. */
export type OrderImages = ResponseOf<typeof listOrderImages>;
/** The identity lock's rejection rate per engine and style: what `GET /v1/admin/generation/identity-lock` answers. */
export type LockStats = ResponseOf<typeof getLockStats>;

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

type In<S> = S extends Schema ? z.input<S> : never;

/** What a call sends: the route's path parameters, query and body, as its contract types them. */
export interface CallInput<P, Q, B> {
  readonly params?: In<P>;
  readonly query?: In<Q>;
  readonly body?: In<B>;
  readonly signal?: AbortSignal;
}

interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  readonly query?: unknown;
  /** Send the ID token (default). Public routes go without it. */
  readonly auth?: boolean;
}

const pageQuery = (page: PageRequest) => ({ limit: page.limit === undefined ? undefined : String(page.limit), cursor: page.cursor });

/** The HTTP API of the studio, called with the signed-in person's ID token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens?: TokenSource,
  ) {}

  me(signal?: AbortSignal): Promise<Me> {
    return this.call(getMe, { signal });
  }

  listOrders(page: PageRequest = {}, signal?: AbortSignal): Promise<OrderPage> {
    return this.call(listOrders, { query: pageQuery(page), signal });
  }

  getOrder(orderId: string, signal?: AbortSignal): Promise<OrderView> {
    return this.call(getOrder, { params: { orderId }, signal });
  }

  createOrder(input: CreateOrderInput): Promise<OrderView> {
    return this.call(createOrder, { body: input });
  }

  /** Orders in progress in one status, for admins (the confirmation queue by default). */
  orderQueue(status: OpenStatus, page: PageRequest = {}, signal?: AbortSignal): Promise<OrderPage> {
    return this.call(listOrderQueue, { query: { status, ...pageQuery(page) }, signal });
  }

  decide(orderId: string, decision: Decision): Promise<ResponseOf<typeof decideOrder>> {
    return this.call(decideOrder, { params: { orderId }, body: decision });
  }

  /** Every generated image of an order, with its identity score, seed, attempts, list price and a signed preview link; admins only. */
  orderImages(orderId: string, signal?: AbortSignal): Promise<OrderImages> {
    return this.call(listOrderImages, { params: { orderId }, signal });
  }

  /** The identity lock's rejection rate per engine and style, with the threshold; admins only. */
  lockStats(signal?: AbortSignal): Promise<LockStats> {
    return this.call(getLockStats, { signal });
  }

  /** The API's OpenAPI document; public, so it is read without a token. */
  openApi(signal?: AbortSignal): Promise<ResponseOf<typeof getOpenApi>> {
    return this.call(getOpenApi, { signal });
  }

  /**
   * Calls one route of the API contract: fills its path, sends its query and
   * body, and checks the answer against the route's response schema, so a
   * caller gets exactly the contract's type or an {@link ApiError}.
   */
  async call<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, R extends Schema>(
    route: RouteContract<P, Q, B, R>,
    input: CallInput<P, Q, B> = {},
  ): Promise<z.output<R>> {
    const path = fillPath(route.path, input.params);
    const payload = await this.request(route.method, path, { body: input.body, query: input.query, signal: input.signal, auth: route.auth !== 'none' });
    const parsed = route.response.safeParse(payload);
    if (!parsed.success) throw new ApiError(200, ErrorCodes.UNEXPECTED_RESPONSE, 'The studio answered in a way this page does not understand. Reload the page.');
    return parsed.data;
  }

  private async request(method: string, path: string, options: RequestOptions, retried = false): Promise<unknown> {
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

    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload;
    const error = (payload ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof error.code === 'string' && error.code ? error.code : fallbackCode(response.status);
    const message = typeof error.message === 'string' && error.message ? error.message : undefined;
    throw new ApiError(response.status, code, messageFor(response.status, message));
  }
}

function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  const entries: [string, unknown][] = typeof query === 'object' && query !== null ? Object.entries(query) : [];
  for (const [name, value] of entries) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function messageFor(status: number, message: string | undefined): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return `You do not have access to this.${message ? ` ${message}` : ''}`;
  if (status >= 500) return message ?? 'Something went wrong on our side. Please try again in a minute.';
  return message ?? `The request failed (${status}).`;
}
