import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** Plans every item in a Map (one function call per item), then waits at a callback gate. */
const PIPELINE = (gateTimeoutSeconds = 60) =>
  JSON.stringify({
    StartAt: 'Plan',
    States: {
      Plan: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'PlanItem', States: { PlanItem: { Type: 'Task', Resource: fn('PlanItem'), End: true } } },
        ResultPath: '$.plans',
        Next: 'Gate',
      },
      Gate: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: fn('Gate'), Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: gateTimeoutSeconds,
        ResultPath: '$.decision',
        End: true,
      },
    },
  });

describe('LocalStepFunctions across a restart', () => {
  let stateFile: string;
  let calls: { arn: string; payload: unknown }[];
  let instances: LocalStepFunctions[];

  const start = () => {
    const sfn = new LocalStepFunctions({
      region: 'us-east-1',
      accountId: '000000000000',
      stateFile,
      invoke: async (arn, payload) => {
        calls.push({ arn, payload });
        return arn === fn('PlanItem') ? { planned: payload } : null;
      },
    });
    instances.push(sfn);
    return sfn;
  };
  const gateTokens = () => calls.filter((c) => c.arn === fn('Gate')).map((c) => (c.payload as { token: string }).token);
  const until = async <T>(check: () => T | undefined, what: string): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const value = check();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`never: ${what}`);
  };
  const status = (sfn: LocalStepFunctions, executionArn: string, want: string) =>
    until(() => (sfn.describeExecution({ executionArn }).status === want ? sfn.describeExecution({ executionArn }) : undefined), want);

  beforeEach(() => {
    stateFile = join(mkdtempSync(join(tmpdir(), 'sfn-restart-')), 'executions.json');
    calls = [];
    instances = [];
  });
  afterEach(async () => {
    for (const sfn of instances) await sfn.drain();
  });

  it('resumes a waiting execution: completed tasks are not invoked again and the same token resumes it', async () => {
    const first = start();
    const arn = first.register('Pipeline', PIPELINE());
    const { executionArn } = first.startExecution({ stateMachineArn: arn, input: JSON.stringify({ items: ['a', 'b', 'c'] }) });
    const [token] = await until(() => (gateTokens().length ? gateTokens() : undefined), 'the gate token');
    await first.drain();
    const callsBeforeRestart = calls.length;

    const second = start();
    second.register('Pipeline', PIPELINE());
    expect(second.describeExecution({ executionArn }).status).toBe('RUNNING');
    await new Promise((r) => setTimeout(r, 100));
    second.sendTaskSuccess({ taskToken: token, output: '{"decision":"confirm"}' });

    const done = await status(second, executionArn, 'SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({
      items: ['a', 'b', 'c'],
      plans: [{ planned: 'a' }, { planned: 'b' }, { planned: 'c' }],
      decision: { decision: 'confirm' },
    });
    // Three PlanItem calls and one Gate call, all before the restart; none after.
    expect(callsBeforeRestart).toBe(4);
    expect(calls).toHaveLength(4);
  });

  it('accepts the token as soon as the stand-in is back, even before the state machine is registered again', async () => {
    const first = start();
    const arn = first.register('Pipeline', PIPELINE());
    const { executionArn } = first.startExecution({ stateMachineArn: arn, input: JSON.stringify({ items: ['a'] }) });
    const [token] = await until(() => (gateTokens().length ? gateTokens() : undefined), 'the gate token');
    await first.drain();

    const second = start();
    second.sendTaskSuccess({ taskToken: token, output: '"confirm"' });
    second.register('Pipeline', PIPELINE());

    expect(JSON.parse((await status(second, executionArn, 'SUCCEEDED')).output as string)).toMatchObject({ decision: 'confirm' });
    expect(calls).toHaveLength(2);
  });

  it('re-arms a waiting token with the time it had left, not a fresh timeout', async () => {
    const first = start();
    const arn = first.register('Pipeline', PIPELINE(3));
    const { executionArn } = first.startExecution({ stateMachineArn: arn, input: JSON.stringify({ items: [] }) });
    const [token] = await until(() => (gateTokens().length ? gateTokens() : undefined), 'the gate token');
    await new Promise((r) => setTimeout(r, 1500));
    await first.drain();

    const restartedAt = Date.now();
    const second = start();
    second.register('Pipeline', PIPELINE(3));
    const failed = await status(second, executionArn, 'FAILED');

    expect(failed).toMatchObject({ error: 'States.Timeout' });
    // About 1.3 s remained; a fresh 3 s timeout would have taken at least 3 s.
    expect(Date.now() - restartedAt).toBeLessThan(2800);
    expect(() => second.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(expect.objectContaining({ type: 'TaskTimedOut' }));
    expect(gateTokens()).toHaveLength(1);
  });

  it('records attempts with their outcomes and tokens in the state file', async () => {
    const first = start();
    const arn = first.register('Pipeline', PIPELINE());
    first.startExecution({ stateMachineArn: arn, input: JSON.stringify({ items: ['a'] }) });
    const [token] = await until(() => (gateTokens().length ? gateTokens() : undefined), 'the gate token');

    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { executions: { attempts: { state: string; token?: string; outcome?: unknown; invoked?: boolean }[] }[] };
    const attempts = saved.executions[0].attempts;
    expect(attempts.find((a) => a.state === 'PlanItem')).toMatchObject({ outcome: { output: { planned: 'a' } } });
    expect(attempts.find((a) => a.state === 'Gate')).toMatchObject({ token, invoked: true });
    expect(attempts.find((a) => a.state === 'Gate')).not.toHaveProperty('outcome');
  });
});
