import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { InvalidToken, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { type OrderView, PRODUCTION_STATUSES } from '../../shared/orders';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi, testFaces } from '../support/order-flow';

jest.setTimeout(240_000);

describe('walking skeleton on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: string;
  let admin: string;
  let s3: S3Client;
  let shopper: CustomerApi;

  const call = async (token: string | undefined, method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${cloud.endpoints.api}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const getOrder = async (orderId: string) => (await call(customer, 'GET', `/v1/orders/${orderId}`)).body as unknown as OrderView;
  const waitForStatus = (orderId: string, status: string) =>
    eventually(async () => {
      const order = await getOrder(orderId);
      return order.status === status ? order : undefined;
    }, 15_000, `order ${orderId} to reach ${status}`);
  const waitForExecution = (orderId: string, status: string) =>
    eventually(async () => {
      const order = await getOrder(orderId);
      return order.execution?.status === status ? order : undefined;
    }, 15_000, `execution of ${orderId} to reach ${status}`);
  const uploadsKeys = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: cloud.endpoints.buckets.uploads }))).Contents ?? []).map((o) => o.Key);

  beforeAll(async () => {
    cloud = await startLocalCloud({ keepData: true });
    customer = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    admin = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin'));
    shopper = new CustomerApi(cloud.endpoints.api, customer);
    s3 = new S3Client({
      region: cloud.endpoints.region,
      endpoint: cloud.endpoints.s3,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  describe('authentication and authorisation', () => {
    it('answers 401 without a token, as API Gateway does before calling the Lambda authorizer', async () => {
      const res = await call(undefined, 'GET', '/v1/me');
      expect(res).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    });

    it('answers 403 for a token that is not signed by the user pool', async () => {
      const [header, payload] = customer.split('.');
      const res = await call(`${header}.${payload}.AAAA`, 'GET', '/v1/me');
      // The Lambda authorizer denies it (isAuthorized: false), which API Gateway answers 403 Forbidden (401 was the JWT authorizer's).
      expect(res).toEqual({ status: 403, body: { message: 'Forbidden' } });
    });

    it('passes the groups claim through to the handler', async () => {
      const me = await call(admin, 'GET', '/v1/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: 'admin@example.com', groups: ['admins'] });
      expect((await call(customer, 'GET', '/v1/me')).body).toMatchObject({ email: 'customer@example.com', groups: [] });
    });

    it('gives a customer 403 on the admin routes', async () => {
      const res = await call(customer, 'GET', '/v1/admin/orders');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/admins/) });
    });

    it('serves the public routes without a token', async () => {
      const health = await call(undefined, 'GET', '/v1/health');
      expect(health).toEqual({ status: 200, body: { status: 'ok', version: expect.any(String) } });
      const document = await call(undefined, 'GET', '/v1/openapi.json');
      expect(document.status).toBe(200);
      expect(document.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: cloud.endpoints.api }] });
      expect(Object.keys(document.body.paths as object)).toContain('/v1/orders/{orderId}');
    });

    it('refuses a query parameter the route does not take, with its code', async () => {
      const res = await call(customer, 'GET', '/v1/orders?colour=blue');
      expect(res).toEqual({ status: 400, body: { code: 'UNKNOWN_PARAMETER', message: expect.stringContaining('colour') } });
    });

    it('refuses a forged cursor and an out-of-range limit', async () => {
      const forged = Buffer.from(JSON.stringify({ pk: 'ORDER#x', sk: 'ORDER', gsi1pk: 'CUSTOMER#someone-else', gsi1sk: 'x' })).toString('base64url');
      expect((await call(customer, 'GET', `/v1/orders?cursor=${forged}`)).body).toMatchObject({ code: 'INVALID_CURSOR' });
      expect((await call(customer, 'GET', '/v1/orders?limit=0')).body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await call(customer, 'GET', '/v1/orders?limit=101')).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('answers 404 for a route that is not in the route table', async () => {
      expect((await call(customer, 'GET', '/nowhere')).status).toBe(404);
    });
  });

  describe('bad input', () => {
    it('rejects a style its studio does not offer with a 400 that lists the choices, writing nothing', async () => {
      const before = await uploadsKeys();
      const ordersBefore = (await call(customer, 'GET', '/v1/orders')).body.orders as unknown[];

      const res = await call(customer, 'POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['moon-base'] });

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('UNKNOWN_STYLE');
      expect(res.body.message).toContain('Choose from: corporate-grey');
      expect(await uploadsKeys()).toEqual(before);
      expect((await call(customer, 'GET', '/v1/orders')).body.orders).toHaveLength(ordersBefore.length);
    });

    it('rejects a body that is not JSON with 400 and a non-JSON content type with 415', async () => {
      expect((await call(customer, 'POST', '/v1/orders', '{"styleIds": [', 'application/json')).body.code).toBe('INVALID_JSON');
      expect((await call(customer, 'POST', '/v1/orders', 'styles=corporate-grey', 'text/plain')).status).toBe(415);
    });

    it('refuses a note with control characters, writing nothing', async () => {
      const before = await uploadsKeys();
      const res = await call(customer, 'POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['bright-office'], note: 'for \u202Eevil' });
      expect(res).toEqual({ status: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/control characters/) } });
      expect(await uploadsKeys()).toEqual(before);
    });

    it('answers 404 ORDER_NOT_FOUND to a decision on an order that does not exist', async () => {
      const res = await call(admin, 'POST', '/v1/admin/orders/00000000-0000-4000-8000-000000000000/decision', { decision: 'confirm' });
      expect(res).toEqual({ status: 404, body: { code: 'ORDER_NOT_FOUND', message: 'No such order.' } });
    });

    it('rejects a malformed order ID in the path with 400', async () => {
      const res = await call(customer, 'GET', '/v1/orders/not-an-id');
      expect(res.status).toBe(400);
    });

    it('rejects a rejection without a reason and leaves the order waiting', async () => {
      const { orderId } = await shopper.orderAtGate(['bright-office']);

      const res = await call(admin, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'reject' });

      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/reason/);
      expect((await getOrder(orderId)).status).toBe('PENDING_EDITOR_CONFIRMATION');
    });
  });

  /** The demo customer's own wallet: what they can spend, and what their orders hold. */
  const wallet = async () => {
    const sub = (await call(customer, 'GET', '/v1/me')).body.sub as string;
    const answer = await call(customer, 'GET', `/v1/wallets/${sub}`);
    expect(answer.status).toBe(200);
    return { sub, balance: answer.body.balance as number, reserved: answer.body.reserved as number };
  };
  const entriesFor = async (walletId: string, orderId: string) =>
    ((await call(customer, 'GET', `/v1/wallets/${walletId}/entries?limit=100`)).body.entries as { type: string; amount: number; reference?: string }[]).filter(
      (entry) => entry.reference === orderId,
    );

  describe('an order through the confirmation gate', () => {
    let orderId: string;
    let before: Awaited<ReturnType<typeof wallet>>;

    it('stores the order, its training manifest, plans every style in the Map and waits for an admin', async () => {
      before = await wallet();
      ({ orderId } = await shopper.orderAtGate(['corporate-grey', 'boardroom-blue'], 'for LinkedIn'));

      const order = await waitForStatus(orderId, 'PENDING_EDITOR_CONFIRMATION');

      expect(order).not.toHaveProperty('taskToken');
      expect(order.execution?.status).toBe('RUNNING');
      expect(order.plans?.map((p) => p.styleId)).toEqual(['corporate-grey', 'boardroom-blue']);
      // The default pose set: one batch of 3 per pose, 4 poses.
      expect(order.plans?.every((p) => p.batches === 4 && p.images === 12 && p.poses?.length === 4)).toBe(true);
      expect(await uploadsKeys()).toContain(`orders/${orderId}/training.json`);
    });

    it("holds the order's price on the customer's wallet from submission: out of the balance, not yet spent", async () => {
      const order = await getOrder(orderId);
      expect(order).toMatchObject({ credits: 26, walletId: before.sub });
      expect(await wallet()).toEqual({ ...before, balance: before.balance - 26, reserved: before.reserved + 26 });
      expect(await entriesFor(before.sub, orderId)).toEqual([expect.objectContaining({ type: 'reserve', amount: -26 })]);
    });

    it('lists the order in the admin queue', async () => {
      const queue = await call(admin, 'GET', '/v1/admin/orders?status=PENDING_EDITOR_CONFIRMATION');
      expect((queue.body.orders as OrderView[]).map((o) => o.orderId)).toContain(orderId);
    });

    it('pages through the admin queue with limit and cursor until every waiting order was seen', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await call(admin, 'GET', `/v1/admin/orders?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...(page.body.orders as OrderView[]).map((o) => o.orderId));
        cursor = page.body.nextCursor as string | undefined;
        pages += 1;
      } while (cursor && pages < 50);
      const all = await call(admin, 'GET', '/v1/admin/orders?limit=100');
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen).toEqual((all.body.orders as OrderView[]).map((o) => o.orderId));
      expect(seen).toContain(orderId);
    });

    it('does not let a customer confirm their own order', async () => {
      const res = await call(customer, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });
      expect(res.status).toBe(403);
      expect((await getOrder(orderId)).status).toBe('PENDING_EDITOR_CONFIRMATION');
    });

    it('resumes the execution when an admin confirms, and the execution succeeds', async () => {
      const res = await call(admin, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });
      expect(res.status).toBe(202);

      const order = await waitForExecution(orderId, 'SUCCEEDED');

      // Confirmed, and handed on to production (the generation pipeline, tested in generation.test.ts).
      expect(PRODUCTION_STATUSES).toContain(order.status);
      expect(order.timeline.map((t) => t.status).slice(0, 5)).toEqual(['DRAFT', 'VALIDATING', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED']);
      const summary = await s3.send(new GetObjectCommand({ Bucket: cloud.endpoints.buckets.outputs, Key: `orders/${orderId}/summary.json` }));
      // Each style in the default pose set: 4 poses × 3 images.
      expect(JSON.parse(await summary.Body!.transformToString())).toMatchObject({ orderId, images: 12 * order.styles.length });
    });

    it('spends the held credits once the order is confirmed', async () => {
      expect(await wallet()).toEqual({ ...before, balance: before.balance - 26 });
      expect((await entriesFor(before.sub, orderId)).map((entry) => entry.type)).toEqual(['consume', 'reserve']);
    });

    it('answers 409 to a second decision on the same order', async () => {
      const res = await call(admin, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ORDER_NOT_WAITING');
    });
  });

  describe('a rejected order', () => {
    it('ends visibly with the reason the admin gave, and the execution succeeds with that outcome (no failure alarm)', async () => {
      const before = await wallet();
      const { orderId } = await shopper.orderAtGate(['bright-office']);
      expect(await wallet()).toEqual({ ...before, balance: before.balance - 10, reserved: before.reserved + 10 });

      const res = await call(admin, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'reject', reason: 'The selfies are too blurry' });
      expect(res.status).toBe(202);

      const order = await waitForExecution(orderId, 'SUCCEEDED');
      expect(order.status).toBe('REJECTED');
      expect(order.failureReason).toBe('The selfies are too blurry');
      // Nothing was spent: the hold went back to the balance.
      expect(await wallet()).toEqual(before);
      expect((await entriesFor(before.sub, orderId)).map((entry) => entry.type)).toEqual(['release', 'reserve']);
    });

    it('cannot be submitted when the wallet cannot cover it, and nothing is held', async () => {
      const before = await wallet();
      const draft = await shopper.call('POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['corporate-grey'] });
      expect(draft.status).toBe(201);
      const orderId = draft.body.orderId as string;
      const [face] = await testFaces();
      await shopper.upload(orderId, { name: `${face!.name}.jpg`, bytes: face!.jpeg, type: 'image/jpeg' });
      // Everything but 5 credits goes, by an admin's adjustment; the order costs 12.
      const adjust = (amount: number, reason: string) => call(admin, 'POST', `/v1/admin/wallets/${before.sub}/adjustments`, { amount, reason });
      expect((await adjust(5 - before.balance, 'Test: leave 5 credits')).status).toBe(201);
      try {
        const submitted = await shopper.call('POST', `/v1/orders/${orderId}/submit`);
        expect(submitted.status).toBe(409);
        expect(submitted.body).toEqual({ code: 'INSUFFICIENT_CREDITS', message: expect.stringContaining('costs 12 credits') });
        expect((await getOrder(orderId)).status).toBe('DRAFT');
        expect(await wallet()).toEqual({ ...before, balance: 5 });
      } finally {
        expect((await adjust(before.balance - 5, 'Test: put the credits back')).status).toBe(201);
      }
    });
  });

  describe('the local Step Functions API', () => {
    it('answers a malformed task token with InvalidToken, as AWS does', async () => {
      const sfn = new SFNClient({ region: cloud.endpoints.region, endpoint: cloud.endpoints.stepfunctions, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
    });
  });

  describe('restart', () => {
    it('keeps orders and users across a restart on the same data folder', async () => {
      // Prepare: a confirmed order of its own
      const { orderId } = await shopper.orderAtGate(['boardroom-blue']);
      await call(admin, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });
      await waitForExecution(orderId, 'SUCCEEDED');
      const before = (await call(customer, 'GET', '/v1/orders')).body.orders as OrderView[];
      expect(processesUsing(cloud.dataDir).length).toBeGreaterThan(0);

      // Act
      await cloud.stop();
      // Ctrl-C (SIGINT) stopped every service it started: nothing still runs on this data folder.
      await eventually(async () => (processesUsing(cloud.dataDir).length === 0 ? true : undefined), 10_000, 'the services to stop');
      cloud = await startLocalCloud({ dataDir: cloud.dataDir });
      customer = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));

      // Assess
      const after = (await call(customer, 'GET', '/v1/orders')).body.orders as OrderView[];
      expect(after.map((o) => o.orderId)).toEqual(before.map((o) => o.orderId));
      const order = await getOrder(orderId);
      expect(PRODUCTION_STATUSES).toContain(order.status);
      expect(order.execution?.status).toBe('SUCCEEDED');
    });
  });
});

/** Command lines of running processes that mention `dir` (DynamoDB Local's -dbPath, the cloud's --data-dir). */
function processesUsing(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir) && !line.startsWith('ps '));
}
