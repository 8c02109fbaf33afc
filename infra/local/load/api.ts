import { API_THROTTLE, ROUTES, routeKey } from '../../catalogue';

/** A route of the catalogue by its key (`POST /v1/orders/{orderId}/submit`) and the values of its path parameters. */
export type Call = { readonly route: string; readonly params?: Readonly<Record<string, string>>; readonly body?: unknown; readonly query?: Readonly<Record<string, string>> };

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * API Gateway's throttling on the client side: a token bucket per route with the
 * route's own limits from the catalogue (or the stage's), so a run of many orders
 * paces itself instead of collecting 429s. Shared by every caller of the run.
 */
export class Pacer {
  private readonly buckets = new Map<string, { tokens: number; at: number; rate: number; burst: number; queue: Promise<void> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits for a token of `route`. */
  take(route: string): Promise<void> {
    let bucket = this.buckets.get(route);
    if (!bucket) {
      const spec = ROUTES.find((r) => routeKey(r) === route);
      if (!spec) throw new Error(`No route ${route} in the catalogue`);
      const limits = spec.contract.throttle ?? API_THROTTLE.default;
      bucket = { tokens: limits.burstLimit, at: this.now(), rate: limits.rateLimit, burst: limits.burstLimit, queue: Promise.resolve() };
      this.buckets.set(route, bucket);
    }
    const b = bucket;
    // One waiter at a time per route, in arrival order.
    const turn = b.queue.then(async () => {
      for (;;) {
        const now = this.now();
        b.tokens = Math.min(b.burst, b.tokens + ((now - b.at) / 1000) * b.rate);
        b.at = now;
        if (b.tokens >= 1) {
          b.tokens -= 1;
          return;
        }
        await sleep(Math.ceil(((1 - b.tokens) / b.rate) * 1000));
      }
    });
    b.queue = turn;
    return turn;
  }
}

/**
 * One person's calls to the API: paced per route, retried on 429 (after
 * `Retry-After` when given), on a dropped connection and a few times on 5xx
 * (a sandbox timing out on a busy machine; callers make their steps safe to
 * repeat), signed in again once on 401 (tokens live an hour; a long run
 * outlives them).
 */
export class ApiClient {
  private token: Promise<string>;

  constructor(
    private readonly base: string,
    private readonly pacer: Pacer,
    private readonly signIn: () => Promise<string>,
    token?: string,
  ) {
    this.token = token ? Promise.resolve(token) : signIn();
  }

  async call({ route, params = {}, body, query }: Call): Promise<Answer> {
    const [method, template] = route.split(' ') as [string, string];
    let path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${route}: no value for {${name}}`);
      return encodeURIComponent(value);
    });
    if (query) path += `?${new URLSearchParams(query).toString()}`;
    let signedInAgain = false;
    let retries5xx = 0;
    for (let attempt = 0; ; attempt++) {
      await this.pacer.take(route);
      let res: Response;
      try {
        res = await fetch(`${this.base}${path}`, {
          method,
          headers: { authorization: `Bearer ${await this.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        if (attempt >= 5) throw new Error(`${method} ${path}: ${(error as Error).message}`, { cause: error });
        await sleep(500 * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      if (res.status === 429 && attempt < 30) {
        const after = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
        continue;
      }
      // A sandbox that timed out under load (500) or a front that could not reach it: try again a few times.
      if (res.status >= 500 && retries5xx < 4) {
        retries5xx++;
        await sleep(1_000 * 2 ** (retries5xx - 1));
        continue;
      }
      if (res.status === 401 && !signedInAgain) {
        signedInAgain = true;
        this.token = this.signIn();
        continue;
      }
      let parsed: Record<string, unknown>;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { text };
      }
      return { status: res.status, body: parsed };
    }
  }

  /** A call that must answer `status`; throws naming the call and the answer otherwise. */
  async must(call: Call, status: number): Promise<Record<string, unknown>> {
    const answer = await this.call(call);
    if (answer.status !== status) throw new Error(`${call.route} answered ${answer.status} ${JSON.stringify(answer.body)}, not ${status}`);
    return answer.body;
  }
}
