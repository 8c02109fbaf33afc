import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalApi, TokenBucket } from '../../../infra/local/api';

/** The local front throttles as the HTTP API stage does: a token bucket per route, 429 when empty. */
describe('LocalApi throttling', () => {
  let server: Server;
  let base: string;
  let clock: number;
  let invoked: number;

  const start = async (throttle?: { rateLimit: number; burstLimit: number }) => {
    const api = new LocalApi({
      allowedOrigins: [],
      invoke: async () => {
        invoked += 1;
        return { statusCode: 200, body: '{}' };
      },
      throttle,
      now: () => clock,
    });
    server = createServer(api.listener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeEach(() => {
    clock = 1_000_000;
    invoked = 0;
  });

  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('answers 429 Too Many Requests once a route has used its burst, without invoking the function', async () => {
    // Prepare
    await start({ rateLimit: 1, burstLimit: 3 });

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/v1/health`)).status);
    const refused = await fetch(`${base}/v1/health`);

    // Assess
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await refused.json()).toEqual({ message: 'Too Many Requests' });
    expect(invoked).toBe(3);
  });

  it('refills at the rate limit', async () => {
    // Prepare
    await start({ rateLimit: 2, burstLimit: 1 });
    await fetch(`${base}/v1/health`);
    expect((await fetch(`${base}/v1/health`)).status).toBe(429);

    // Act: half a second at 2 requests/second is one more request.
    clock += 500;

    // Assess
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
  });

  it("gives a route with its own limits in its contract (POST /v1/orders: burst 10) those, not the stage's", async () => {
    // Prepare: a generous stage default.
    await start({ rateLimit: 100, burstLimit: 100 });

    // Act: API Gateway throttles before it authorizes, so unauthenticated calls count too.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await fetch(`${base}/v1/orders`, { method: 'POST' })).status);

    // Assess
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('keeps one bucket per route', async () => {
    // Prepare
    await start({ rateLimit: 1, burstLimit: 1 });
    await fetch(`${base}/v1/health`);

    // Act / Assess: another route still has its whole burst.
    expect((await fetch(`${base}/v1/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/v1/health`)).status).toBe(429);
  });
});

describe('TokenBucket', () => {
  it('never holds more than its burst', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });
});
