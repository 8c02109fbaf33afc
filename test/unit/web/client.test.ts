import { ApiClient, ApiError, ErrorCodes } from '../../../web/src/api/client';
import { timelineSteps } from '../../../web/src/orders/timeline';

type Call = { url: string; init: RequestInit };

function fakeFetch(answers: readonly { status: number; body?: unknown }[]): Call[] {
  const calls: Call[] = [];
  let next = 0;
  global.fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const answer = answers[Math.min(next++, answers.length - 1)];
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  return calls;
}

const tokens = { idToken: async () => 'id-token', refresh: async () => undefined };

describe('ApiClient', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  it('sends the token and reads a page of orders with its cursor', async () => {
    const calls = fakeFetch([{ status: 200, body: { orders: [], nextCursor: 'abc' } }]);
    const page = await new ApiClient('https://api.test', tokens).listOrders({ limit: 10, cursor: 'xyz' });
    expect(page).toEqual({ orders: [], nextCursor: 'abc' });
    expect(calls[0].url).toBe('https://api.test/v1/orders?limit=10&cursor=xyz');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer id-token');
  });

  it('leaves out empty paging parameters', async () => {
    const calls = fakeFetch([{ status: 200, body: { status: 'PENDING_EDITOR_CONFIRMATION', orders: [] } }]);
    await new ApiClient('https://api.test', tokens).orderQueue('PENDING_EDITOR_CONFIRMATION');
    expect(calls[0].url).toBe('https://api.test/v1/admin/orders?status=PENDING_EDITOR_CONFIRMATION');
  });

  it('refuses an answer that breaks the route contract', async () => {
    fakeFetch([{ status: 200, body: { orders: 'not a list' } }]);
    const error = (await new ApiClient('https://api.test', tokens).listOrders().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(ErrorCodes.UNEXPECTED_RESPONSE);
  });

  it('fills and encodes path parameters', async () => {
    const calls = fakeFetch([{ status: 202, body: { orderId: 'a/b', decision: 'confirm' } }]);
    await new ApiClient('https://api.test', tokens).decide('a/b', { decision: 'confirm' });
    expect(calls[0].url).toBe('https://api.test/v1/admin/orders/a%2Fb/decision');
    expect(calls[0].init.method).toBe('POST');
  });

  it('carries the code of a JSON error body', async () => {
    fakeFetch([{ status: 404, body: { code: 'ORDER_NOT_FOUND', message: 'No such order.' } }]);
    const error = (await new ApiClient('https://api.test', tokens).decide('o1', { decision: 'confirm' }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message]).toEqual([404, 'ORDER_NOT_FOUND', 'No such order.']);
    expect(error.is(ErrorCodes.ORDER_NOT_FOUND)).toBe(true);
    expect(error.is(ErrorCodes.ORDER_NOT_WAITING, 409)).toBe(false);
  });

  it('derives a code from the status when the body has none, and matches it by status', async () => {
    fakeFetch([{ status: 409, body: { message: 'This order is not waiting for confirmation any more.' } }]);
    const error = (await new ApiClient('https://api.test', tokens).decide('o1', { decision: 'confirm' }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('HTTP_409');
    expect(error.is(ErrorCodes.ORDER_NOT_WAITING, 409)).toBe(true);
    expect(error.is(ErrorCodes.ORDER_NOT_FOUND, 404)).toBe(false);
  });

  it('does not fall back to the status when the body named another code', async () => {
    fakeFetch([{ status: 404, body: { code: 'ROUTE_NOT_FOUND', message: 'No route.' } }]);
    const error = (await new ApiClient('https://api.test', tokens).getOrder('o1').catch((e: unknown) => e)) as ApiError;
    expect(error.is(ErrorCodes.ORDER_NOT_FOUND, 404)).toBe(false);
  });

  it('refreshes once on 401, then reports UNAUTHENTICATED', async () => {
    const calls = fakeFetch([{ status: 401, body: { message: 'Unauthorized' } }]);
    const refresh = jest.fn(async () => ({ fresh: true }));
    const error = (await new ApiClient('https://api.test', { idToken: tokens.idToken, refresh }).me().catch((e: unknown) => e)) as ApiError;
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
    expect(error.is(ErrorCodes.UNAUTHENTICATED, 401)).toBe(true);
  });

  it('reads the OpenAPI document without a token', async () => {
    const calls = fakeFetch([{ status: 200, body: { openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: {} } }]);
    await new ApiClient('https://api.test', tokens).openApi();
    expect(calls[0].url).toBe('https://api.test/v1/openapi.json');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it("reads an order's generated images and the identity lock's figures, with the token", async () => {
    const calls = fakeFetch([
      { status: 200, body: { orderId: 'o 1', status: 'GENERATING', imagesPlanned: 12, images: [], selfies: [] } },
      { status: 200, body: { threshold: 0.65, rows: [{ engine: 'balanced', styleId: 'corporate-grey', judged: 14, rejected: 2, rejectionRate: 0.143, slotsRejected: 0 }] } },
    ]);
    const client = new ApiClient('https://api.test', tokens);
    expect(await client.orderImages('o 1')).toEqual({ orderId: 'o 1', status: 'GENERATING', imagesPlanned: 12, images: [], selfies: [] });
    expect((await client.lockStats()).rows[0]!.rejectionRate).toBe(0.143);
    expect(calls.map((c) => c.url)).toEqual(['https://api.test/v1/admin/orders/o%201/images', 'https://api.test/v1/admin/generation/identity-lock']);
    expect((calls[1].init.headers as Record<string, string>).Authorization).toBe('Bearer id-token');
  });

  it('names an unreachable API NETWORK', async () => {
    global.fetch = jest.fn(async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const error = (await new ApiClient('https://api.test', tokens).me().catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code]).toEqual([0, 'NETWORK']);
  });
});

describe('timelineSteps', () => {
  const at = '2026-01-01T00:00:00.000Z';
  it('marks where a waiting order is', () => {
    const steps = timelineSteps({ status: 'PENDING_EDITOR_CONFIRMATION', timeline: [{ status: 'SUBMITTED', at }, { status: 'PENDING_EDITOR_CONFIRMATION', at }] });
    expect(steps.map((s) => [s.status, s.state])).toEqual([
      ['SUBMITTED', 'done'],
      ['PENDING_EDITOR_CONFIRMATION', 'current'],
      ['CONFIRMED', 'upcoming'],
      ['TRAINING', 'upcoming'],
      ['GENERATING', 'upcoming'],
      ['PENDING_REVIEW', 'upcoming'],
      ['DELIVERED', 'upcoming'],
    ]);
  });

  it('shows production under way, and where it failed', () => {
    const generating = timelineSteps({ status: 'GENERATING', timeline: [{ status: 'SUBMITTED', at }, { status: 'PENDING_EDITOR_CONFIRMATION', at }, { status: 'CONFIRMED', at }, { status: 'TRAINING', at }, { status: 'GENERATING', at }] });
    expect(generating.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'current', 'upcoming', 'upcoming']);
    const failed = timelineSteps({ status: 'FAILED', timeline: [{ status: 'SUBMITTED', at }, { status: 'PENDING_EDITOR_CONFIRMATION', at }, { status: 'CONFIRMED', at }, { status: 'TRAINING', at }, { status: 'FAILED', at }] });
    expect(failed.map((s) => [s.status, s.state])).toEqual([
      ['SUBMITTED', 'done'],
      ['PENDING_EDITOR_CONFIRMATION', 'done'],
      ['CONFIRMED', 'done'],
      ['TRAINING', 'done'],
      ['FAILED', 'ended'],
    ]);
  });

  it('shows a delivered order with every step done, delivery included', () => {
    const timeline = (['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW', 'DELIVERED'] as const).map((status) => ({ status, at }));
    const steps = timelineSteps({ status: 'DELIVERED', timeline });
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done']);
    expect(steps.at(-1)?.status).toBe('DELIVERED');
  });

  it('ends a rejected order at its own step, not a failure', () => {
    const steps = timelineSteps({
      status: 'REJECTED',
      timeline: [{ status: 'SUBMITTED', at }, { status: 'PENDING_EDITOR_CONFIRMATION', at }, { status: 'REJECTED', at, detail: 'Too dark' }],
    });
    expect(steps.map((s) => [s.status, s.state])).toEqual([
      ['SUBMITTED', 'done'],
      ['PENDING_EDITOR_CONFIRMATION', 'done'],
      ['REJECTED', 'ended'],
    ]);
  });
});
