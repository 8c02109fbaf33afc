/** One answer of the API: its status and its JSON body (`{}` when empty, `{ text }` when not JSON). */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface CallOptions {
  /** A Cognito ID token; none for an anonymous call. */
  readonly token?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits this long for a 429 without Retry-After: a second refills a throttled route's bucket (5 requests/s). */
const THROTTLED_PAUSE_MS = 400;
const MAX_THROTTLED_RETRIES = 60;

/**
 * Calls the API of a running local cloud. A 429 (the stage's or a route's
 * throttling, or a caller's rate limit) is retried after its Retry-After: it
 * says nothing about who may call the route, and the throttled request never
 * reached a function.
 */
export async function callApi(api: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    if (res.status === 429 && attempt < MAX_THROTTLED_RETRIES) {
      const retryAfter = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : THROTTLED_PAUSE_MS);
      continue;
    }
    let body: Record<string, unknown>;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: res.status, body };
  }
}

/** The `sub` claim of a JWT (not verified: the token came from the user pool a moment ago). */
export function subOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}
