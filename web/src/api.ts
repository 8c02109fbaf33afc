import type { CreateOrderInput, Decision, OrderStatus, OrderView } from '../../shared/orders';
import type { SessionManager } from './auth';

/** An API failure with a message meant for the person using the app. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the API could not be reached. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Me {
  readonly sub: string;
  readonly email?: string;
  readonly groups: readonly string[];
}

/** The HTTP API of the studio, called with the signed-in person's ID token. */
export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly sessions: SessionManager,
  ) {}

  me(signal?: AbortSignal): Promise<Me> {
    return this.request('GET', '/me', undefined, signal);
  }

  async listOrders(signal?: AbortSignal): Promise<readonly OrderView[]> {
    return (await this.request<{ orders: OrderView[] }>('GET', '/orders', undefined, signal)).orders;
  }

  getOrder(orderId: string, signal?: AbortSignal): Promise<OrderView> {
    return this.request('GET', `/orders/${encodeURIComponent(orderId)}`, undefined, signal);
  }

  createOrder(input: CreateOrderInput): Promise<OrderView> {
    return this.request('POST', '/orders', input);
  }

  async orderQueue(status: OrderStatus, signal?: AbortSignal): Promise<readonly OrderView[]> {
    const query = new URLSearchParams({ status });
    return (await this.request<{ orders: OrderView[] }>('GET', `/admin/orders?${query}`, undefined, signal)).orders;
  }

  decide(orderId: string, decision: Decision): Promise<{ orderId: string; decision: string }> {
    return this.request('POST', `/admin/orders/${encodeURIComponent(orderId)}/decision`, decision);
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, retried = false): Promise<T> {
    const token = await this.sessions.idToken();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'Could not reach the studio. Check your connection and try again.');
    }

    // An expired or revoked token: refresh once and retry; the session manager
    // signs the person out when the refresh fails.
    if (response.status === 401 && !retried) {
      const fresh = await this.sessions.refresh();
      if (fresh) return this.request(method, path, body, signal, true);
    }

    const payload = (await response.json().catch(() => undefined)) as (T & { message?: string }) | undefined;
    if (response.ok) return payload as T;
    throw new ApiError(response.status, messageFor(response.status, payload?.message));
  }
}

function messageFor(status: number, message: string | undefined): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return `You do not have access to this.${message ? ` ${message}` : ''}`;
  if (status >= 500) return message ?? 'Something went wrong on our side. Please try again in a minute.';
  return message ?? `The request failed (${status}).`;
}
