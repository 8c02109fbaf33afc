import { InvalidToken, RedriveExecutionCommand, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, ExecutionNotRedrivable } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OrderView, PRODUCTION_STATUSES } from '../../shared/orders';
import { mintToken } from '../../infra/local/stepfunctions/tokens';
import { CustomerApi } from '../support/order-flow';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';

jest.setTimeout(180_000);

/** An order waiting at the confirmation gate survives a restart of the whole local cloud. */
describe('the local Step Functions across a restart of the local cloud', () => {
  let cloud: RunningCloud | undefined;

  afterAll(async () => {
    await cloud?.stop();
  });

  it('resumes the waiting execution: the admin confirms after the restart, the order is CONFIRMED and no completed step ran twice', async () => {
    cloud = await startLocalCloud({ keepData: true });
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${cloud!.endpoints.api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    let customer = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    const getOrder = async (orderId: string) => (await call(customer, 'GET', `/v1/orders/${orderId}`)).body as unknown as OrderView;
    const stateFile = () => join(cloud!.dataDir, 'data', 'stepfunctions', 'executions.json');
    const attemptsOf = (state: string) =>
      (JSON.parse(readFileSync(stateFile(), 'utf8')) as { executions: { attempts: { state: string }[] }[] }).executions.flatMap((e) => e.attempts).filter((a) => a.state === state);

    // Prepare: an order with two styles, planned and waiting at the gate
    const { orderId } = await new CustomerApi(cloud.endpoints.api, customer).orderAtGate(['corporate-grey', 'boardroom-blue']);
    const waiting = await getOrder(orderId);
    expect(waiting.execution?.status).toBe('RUNNING');
    expect(attemptsOf('PlanStyle')).toHaveLength(2);

    // Act: restart on the same data folder, then confirm through the API
    await cloud.stop();
    cloud = await startLocalCloud({ dataDir: cloud.dataDir });
    customer = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    const admin = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin'));
    expect((await getOrder(orderId)).execution?.status).toBe('RUNNING');
    const decided = await call(admin, 'POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });

    // Assess
    expect(decided.status).toBe(202);
    const order = await eventually(async () => {
      const current = await getOrder(orderId);
      return current.execution?.status === 'SUCCEEDED' ? current : undefined;
    }, 20_000, 'the execution to succeed');
    expect(PRODUCTION_STATUSES).toContain(order.status);
    // AwaitConfirmation was not invoked again after the restart (it would have added a second PENDING entry); production follows.
    expect(order.timeline.map((t) => t.status).slice(0, 5)).toEqual(['DRAFT', 'VALIDATING', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED']);
    // PlanStyle ran once per style, all before the restart.
    expect(attemptsOf('PlanStyle')).toHaveLength(2);
    expect(attemptsOf('ConfirmationGate')).toHaveLength(1);
  });

  it('answers the SFN client with the codes AWS gives for malformed and unknown tokens and a SUCCEEDED redrive', async () => {
    const sfn = new SFNClient({ region: cloud!.endpoints.region, endpoint: cloud!.endpoints.stepfunctions, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const saved = JSON.parse(readFileSync(join(cloud!.dataDir, 'data', 'stepfunctions', 'executions.json'), 'utf8')) as { executions: { executionArn: string; status: string }[] };
    const succeeded = saved.executions.find((e) => e.status === 'SUCCEEDED')!.executionArn;

    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: mintToken(), output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn: succeeded }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
  });
});
