import { resolve } from 'node:path';
import { FUNCTIONS, type FunctionSpec } from '../../infra/catalogue';
import { ACCOUNT, type FunctionRuntime, PREFIX, REGION, startFunctionRuntime } from '../../infra/local/cloud';
import type { OrderView } from '../../shared/orders';
import { makeEvent } from '../unit/helpers/events';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');

/** What one invocation of a function does with a grant, and how it shows when the grant's policy is missing. */
interface GrantCase {
  /** `<FunctionId>/<ResourceId>`: the grant whose IAM statement is dropped. */
  readonly grant: string;
  /** The IAM action the proxy must refuse. */
  readonly denied: string;
  readonly event: () => unknown;
  /** API handlers answer this status (and log the AccessDenied); pipeline tasks fail the invocation. */
  readonly status?: number;
}

/**
 * Removing any one grant's permissions makes a call fail with AccessDenied, as on AWS: for each
 * function and each of its grants, the function runs in the cloud's function runtime (workers and
 * authorizing proxies, in front of a running local cloud) with that grant's IAM statement dropped
 * and its variables kept, and the invocation that needs the grant is refused.
 */
describe('every grant of the catalogue is needed: without its statement, the call is AccessDenied', () => {
  let cloud: RunningCloud;
  let customerSub: string;
  let adminSub: string;
  let order: OrderView;
  const logs: { functionId: string; line: string }[] = [];
  const denials: { functionId: string; action: string; resource: string }[] = [];

  const subOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
  const customer = () => ({ sub: customerSub, 'cognito:groups': '[]', token_use: 'id' });
  const admin = () => ({ sub: adminSub, 'cognito:groups': '[admins]', token_use: 'id' });
  const randomId = () => crypto.randomUUID();

  const CASES: GrantCase[] = [
    { grant: 'CreateOrder/UploadsBucket', denied: 's3:PutObject', status: 500, event: () => makeEvent({ routeKey: 'POST /v1/orders', claims: customer(), body: { styles: ['studio-black'] } }) },
    { grant: 'CreateOrder/Table', denied: 'dynamodb:PutItem', status: 500, event: () => makeEvent({ routeKey: 'POST /v1/orders', claims: customer(), body: { styles: ['studio-black'] } }) },
    { grant: 'CreateOrder/OrderPipeline', denied: 'states:StartExecution', status: 503, event: () => makeEvent({ routeKey: 'POST /v1/orders', claims: customer(), body: { styles: ['studio-black'] } }) },
    { grant: 'ListOrders/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/orders', claims: customer() }) },
    { grant: 'GetOrder/Table', denied: 'dynamodb:GetItem', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/orders/{orderId}', claims: customer(), pathParameters: { orderId: order.orderId } }) },
    { grant: 'GetOrder/OrderPipeline', denied: 'states:DescribeExecution', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/orders/{orderId}', claims: customer(), pathParameters: { orderId: order.orderId } }) },
    { grant: 'PlanStyle/Table', denied: 'dynamodb:PutItem', event: () => ({ orderId: randomId(), styleId: 'studio-black', position: 0 }) },
    { grant: 'AwaitConfirmation/Table', denied: 'dynamodb:UpdateItem', event: () => ({ orderId: randomId(), taskToken: 'token' }) },
    { grant: 'CompleteOrder/OutputsBucket', denied: 's3:PutObject', event: () => ({ orderId: randomId(), decision: { decision: 'confirm', decidedBy: adminSub }, plans: [] }) },
    { grant: 'CompleteOrder/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), decision: { decision: 'confirm', decidedBy: adminSub }, plans: [] }) },
    { grant: 'FailOrder/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), error: { Error: 'OrderRejected', Cause: 'test' } }) },
    { grant: 'ListOrderQueue/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/admin/orders', claims: admin() }) },
    { grant: 'ListOrderQueue/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/admin/orders', claims: admin() }) },
    { grant: 'GetMe/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/me', claims: customer() }) },
    {
      grant: 'DecideOrder/Table',
      denied: 'dynamodb:UpdateItem',
      status: 500,
      event: () => makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/decision', claims: admin(), pathParameters: { orderId: order.orderId }, body: { decision: 'confirm' } }),
    },
    // Claims the token (the table is granted), is refused SendTaskSuccess, and puts the token back.
    {
      grant: 'DecideOrder/OrderPipeline',
      denied: 'states:SendTaskSuccess',
      status: 503,
      event: () => makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/decision', claims: admin(), pathParameters: { orderId: order.orderId }, body: { decision: 'confirm' } }),
    },
  ];

  /** The cloud's function runtime in front of the running cloud's services, with one grant's statement dropped. */
  const runtimeWithout = (grant?: string): Promise<FunctionRuntime> => {
    const [functionId, resourceId] = grant?.split('/') ?? [];
    const e = cloud.endpoints;
    return startFunctionRuntime({
      root: ROOT,
      services: { dynamodb: e.dynamodb, s3: e.s3, stepfunctions: e.stepfunctions, cognito: e.cognito.endpoint },
      context: { region: REGION, accountId: ACCOUNT, prefix: PREFIX, userPoolId: e.cognito.userPoolId },
      policyGrants: (spec: FunctionSpec) =>
        spec.id === functionId ? Object.fromEntries(Object.entries(spec.grants).filter(([id]) => id !== resourceId)) : spec.grants,
      baseEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_SERVICE_NAME: 'iam-grants' },
      onLog: (id, line) => logs.push({ functionId: id, line }),
      onDenied: (id, access) => denials.push({ functionId: id, ...access }),
    });
  };

  /** Invokes and returns the answer, or the Lambda error of a failed invocation. */
  const invoke = async (runtime: FunctionRuntime, functionId: string, event: unknown) =>
    runtime.functions.invoke(functionId, event).then(
      (answer) => ({ answer: answer as { statusCode?: number; body?: string }, error: undefined }),
      (error: Error) => ({ answer: undefined, error }),
    );

  beforeAll(async () => {
    cloud = await startLocalCloud();
    const customerToken = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    customerSub = subOf(customerToken);
    adminSub = subOf(await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
    // An order waiting at the confirmation gate, placed through the cloud with the catalogue's own grants.
    const res = await fetch(`${cloud.endpoints.api}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ styles: ['studio-black'] }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as OrderView;
    order = await eventually(async () => {
      const view = (await (await fetch(`${cloud.endpoints.api}/v1/orders/${created.orderId}`, { headers: { authorization: `Bearer ${customerToken}` } })).json()) as OrderView;
      return view.status === 'PENDING_EDITOR_CONFIRMATION' ? view : undefined;
    }, 30_000, 'the order to wait for confirmation');
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('covers every grant of every function in the catalogue', () => {
    const grants = FUNCTIONS.flatMap((spec) => Object.keys(spec.grants).map((resourceId) => `${spec.id}/${resourceId}`)).sort();
    expect(CASES.map((c) => c.grant).sort()).toEqual(grants);
  });

  it.each(CASES.map((c) => [c.grant, c] as const))('without %s', async (grant, c) => {
    const functionId = grant.split('/')[0];
    const runtime = await runtimeWithout(grant);
    try {
      const since = denials.length;
      const { answer, error } = await invoke(runtime, functionId, c.event());
      const denied = denials.slice(since).filter((d) => d.functionId === functionId);
      expect(denied.map((d) => d.action)).toContain(c.denied);
      if (c.status) {
        // The API handler answers its own error (not the front's), and logs the AccessDenied.
        expect(answer?.statusCode).toBe(c.status);
        expect(JSON.parse(answer!.body!)).toMatchObject({ code: expect.any(String) });
        await eventually(async () => logs.find((l) => l.functionId === functionId && /AccessDenied/.test(l.line)), 5_000, 'the AccessDenied in the log');
      } else {
        // A pipeline task fails its invocation with the service's AccessDenied, which Step Functions would see.
        expect(error?.message).toMatch(/AccessDenied/);
      }
    } finally {
      await runtime.stop();
    }
  });

  it('refuses none of the same calls with the full grants', async () => {
    const runtime = await runtimeWithout();
    try {
      const since = denials.length;
      // DecideOrder last: it confirms the waiting order.
      for (const c of CASES) {
        const functionId = c.grant.split('/')[0];
        const { answer } = await invoke(runtime, functionId, c.event());
        if (c.status) expect({ grant: c.grant, status: answer?.statusCode }).not.toEqual({ grant: c.grant, status: c.status });
      }
      expect(denials.slice(since)).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });
});
