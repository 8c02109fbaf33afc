import { request } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isTextContentType, LocalApi, MAX_BODY_BYTES, requestTime } from '../../../infra/local/api';

/** Sends a raw request (fetch would normalise the path, merge headers or refuse a malformed URL). */
function raw(base: string, options: { method?: string; path: string; headers?: [string, string][]; body?: Buffer | string }) {
  const url = new URL(base);
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, setHost: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    const headers = options.headers ?? [];
    for (const [name, value] of headers) req.appendHeader(name, value);
    if (options.body !== undefined && !headers.some(([name]) => name.toLowerCase() === 'content-length')) req.setHeader('content-length', Buffer.byteLength(options.body));
    req.end(options.body);
  });
}

describe('LocalApi events and refusals (payload format 2.0, as API Gateway HTTP API)', () => {
  let server: Server;
  let base: string;
  const events: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    const api = new LocalApi({
      allowedOrigins: [],
      invoke: async (_functionId, event) => {
        events.push(event as APIGatewayProxyEventV2);
        return { statusCode: 200, body: '{}' };
      },
    });
    server = createServer(api.listener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (events.length = 0));

  describe('the event', () => {
    it('moves every cookie header to `cookies`, one entry per cookie, and drops it from `headers`', async () => {
      await raw(base, { path: '/v1/health', headers: [['Cookie', 'a=1; b=2'], ['Cookie', 'c=3']] });
      const [event] = events;
      expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
      expect(event.headers.cookie).toBeUndefined();
    });

    it('has no `cookies` when the request has none', async () => {
      await raw(base, { path: '/v1/health' });
      expect(events[0].cookies).toBeUndefined();
    });

    it('joins duplicate headers with commas, names in lower case', async () => {
      await raw(base, { path: '/v1/health', headers: [['X-Thing', 'one'], ['x-thing', 'two']] });
      expect(events[0].headers['x-thing']).toBe('one,two');
    });

    it('joins a repeated query parameter with commas and keeps rawQueryString as sent', async () => {
      await raw(base, { path: '/v1/health?tag=a&tag=b%20c&single=1' });
      const [event] = events;
      expect(event.queryStringParameters).toEqual({ tag: 'a,b c', single: '1' });
      expect(event.rawQueryString).toBe('tag=a&tag=b%20c&single=1');
      expect(event.rawPath).toBe('/v1/health');
    });

    it('writes requestContext.time as API Gateway does (12/Mar/2020:19:03:58 +0000)', async () => {
      expect(requestTime(new Date(Date.UTC(2020, 2, 12, 19, 3, 58)))).toBe('12/Mar/2020:19:03:58 +0000');
      expect(requestTime(new Date(Date.UTC(2026, 0, 5, 4, 5, 6)))).toBe('05/Jan/2026:04:05:06 +0000');
      await raw(base, { path: '/v1/health' });
      const [event] = events;
      expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
    });

    it.each([
      ['application/json', true],
      ['application/json; charset=utf-8', true],
      ['text/plain', true],
      ['text/csv; charset=utf-8', true],
      ['application/xml', true],
      ['application/javascript', true],
      ['application/x-www-form-urlencoded', false],
      ['application/octet-stream', false],
      ['image/png', false],
      ['multipart/form-data; boundary=x', false],
      [undefined, false],
    ])('passes a %s body as text: %s', (contentType, text) => {
      expect(isTextContentType(contentType)).toBe(text);
    });

    it('hands a binary or form body base64-encoded, and a JSON body as text', async () => {
      const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
      for (const [contentType, body, encoded] of [
        ['application/octet-stream', bytes, true],
        ['application/x-www-form-urlencoded', Buffer.from('a=1&b=2'), true],
        ['application/json', Buffer.from('{"a":"ü"}'), false],
        ['', Buffer.from('no content type'), true],
      ] as const) {
        events.length = 0;
        // GET /v1/health is public, so the event reaches the (fake) function whatever the body.
        await raw(base, { method: 'GET', path: '/v1/health', headers: contentType ? [['content-type', contentType]] : [], body });
        const [event] = events;
        expect(event.isBase64Encoded).toBe(encoded);
        expect(encoded ? Buffer.from(event.body!, 'base64') : Buffer.from(event.body!, 'utf8')).toEqual(body);
      }
    });
  });

  describe('refusals', () => {
    it('answers a malformed %-escape in the path with 400, invoking nothing', async () => {
      for (const path of ['/v1/orders/%E0%A4%A', '/v1/%ZZ', '/v1/orders/%']) {
        const res = await raw(base, { path });
        expect(res.status).toBe(400);
        expect(JSON.parse(res.text)).toEqual({ message: 'Bad Request' });
      }
      expect(events).toEqual([]);
    });

    it('answers 404 {"message":"Not Found"} for a method the path exists under but not the method', async () => {
      for (const method of ['DELETE', 'PUT', 'PATCH', 'HEAD', 'POST']) {
        const res = await raw(base, { method, path: '/v1/health' });
        expect(res.status).toBe(404);
        if (method !== 'HEAD') expect(JSON.parse(res.text)).toEqual({ message: 'Not Found' });
      }
      expect(events).toEqual([]);
    });

    it('never routes a request whose path only resembles a route (no URL resolution, no trailing slash, no prefix)', async () => {
      for (const path of ['//evil.example/v1/health', '/v1/health/', '/v1/v1/health', '/V1/health', '/v1/health/..', '/x/../v1/health']) {
        const res = await raw(base, { path });
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
      expect(events).toEqual([]);
    });

    it("refuses a request over Lambda's 6 MB invoke payload with 413, invoking nothing", async () => {
      // 5 MB of binary data becomes about 6.7 MB once base64-encoded into the event.
      const res = await raw(base, { method: 'GET', path: '/v1/health', headers: [['content-type', 'application/octet-stream']], body: Buffer.alloc(5 * 1024 * 1024, 1) });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text)).toEqual({ message: 'Request Too Long' });
      expect(events).toEqual([]);
    });

    it('passes a body just under the Lambda limit', async () => {
      const res = await raw(base, { method: 'GET', path: '/v1/health', headers: [['content-type', 'text/plain']], body: 'x'.repeat(6 * 1024 * 1024 - 4096) });
      expect(res.status).toBe(200);
      expect(events).toHaveLength(1);
    });

    it("refuses a body over the HTTP API's 10 MB payload quota with 413, even on a route that does not exist", async () => {
      const res = await raw(base, { method: 'POST', path: '/v1/nowhere', headers: [['content-type', 'application/json'], ['content-length', String(MAX_BODY_BYTES + 1)]], body: 'x'.repeat(MAX_BODY_BYTES + 1) }).catch(
        (error: Error) => ({ status: -1, text: error.message, headers: {} }),
      );
      expect(res.status).toBe(413);
      expect(events).toEqual([]);
    });
  });
});
