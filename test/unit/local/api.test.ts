import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES, routeKey } from '../../../infra/catalogue';
import { LocalApi } from '../../../infra/local/api';

const WEB_ORIGIN = 'http://127.0.0.1:3000';

describe('LocalApi (the local API Gateway front)', () => {
  let server: Server;
  let base: string;
  const invoked: unknown[] = [];

  beforeAll(async () => {
    const api = new LocalApi({
      allowedOrigins: [WEB_ORIGIN],
      invoke: async (functionId, event) => {
        invoked.push({ functionId, event });
        return { statusCode: 200, body: '{}' };
      },
    });
    server = createServer(api.listener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (invoked.length = 0));

  it('invokes a public (auth none) route without a token, with no authorizer in the event', async () => {
    // Act
    const res = await fetch(`${base}/v1/health`);

    // Assess
    expect(res.status).toBe(200);
    expect(invoked).toHaveLength(1);
    const { functionId, event } = invoked[0] as { functionId: string; event: { routeKey: string; requestContext: { authorizer?: unknown }; headers: Record<string, string> } };
    expect(functionId).toBe('GetHealth');
    expect(event.routeKey).toBe('GET /v1/health');
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(event.headers['x-forwarded-proto']).toBe('http');
  });

  it('serves exactly the route keys of the catalogue', () => {
    const api = new LocalApi({ allowedOrigins: [], invoke: async () => null });
    expect(api.routeKeys().sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('answers 413 to a body over the 10 MB API Gateway limit, invoking nothing', async () => {
    const res = await fetch(`${base}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(invoked).toEqual([]);
  });

  it('answers 401 to a request without the Authorization header, invoking nothing (not even the authorizer)', async () => {
    const res = await fetch(`${base}/v1/orders`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(invoked).toEqual([]);
  });

  it('answers 500 when the authorizer answers something other than a simple response, invoking only the authorizer', async () => {
    // This front's invoke answers every function with a 200 response, which is no authorizer answer at all:
    // the authorizer below is the catalogue's, and API Gateway answers 500 to a malformed authorizer response.
    const res = await fetch(`${base}/v1/orders`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(res.status).toBe(500);
    expect(invoked.map((i) => (i as { functionId: string }).functionId)).toEqual(['Authorize']);
  });

  it('answers 404 to a path or method outside the route table', async () => {
    expect((await fetch(`${base}/v1/orders`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${base}/v1/orders/a/b/c`)).status).toBe(404);
  });

  it('answers a CORS preflight from the web origin, and gives other origins no CORS headers', async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/v1/orders`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });

    const allowed = await preflight(WEB_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');

    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
