import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions';
import { apiError, waitForStatus } from './stepfunctions-support';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const task = (name: string, rest: Record<string, unknown>) => ({ Type: 'Task', Resource: fn(name), ...rest });


describe('RedriveExecution on the local Step Functions', () => {
  let sfn: LocalStepFunctions;
  let calls: string[];
  /** Per function: how many of its first calls fail. */
  let failFirst: Record<string, number>;
  let tokens: string[];
  /** What the fake functions do; a test may replace it. */
  let behaviour: (arn: string, payload: unknown) => Promise<unknown>;

  const count = (name: string) => calls.filter((c) => c === name).length;
  const status = (executionArn: string, want: string) => waitForStatus(sfn, executionArn, want);
  const run = (definition: object, input: unknown = {}, timeoutSeconds?: number) => {
    const arn = sfn.register(`M${Math.random().toString(36).slice(2, 8)}`, JSON.stringify(definition), timeoutSeconds);
    return sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify(input) }).executionArn;
  };

  beforeEach(() => {
    calls = [];
    failFirst = {};
    tokens = [];
    sfn = new LocalStepFunctions({
      region: 'us-east-1',
      accountId: '000000000000',
      stateFile: join(mkdtempSync(join(tmpdir(), 'sfn-redrive-')), 'executions.json'),
      invoke: (arn, payload) => behaviour(arn, payload),
    });
    behaviour = async (arn, payload) => {
        const name = arn.split(':').at(-1)!;
        calls.push(name);
        if ((payload as { token?: string } | null)?.token) tokens.push((payload as { token: string }).token);
        if (count(name) <= (failFirst[name] ?? 0)) throw Object.assign(new Error(`${name} broke`), { name: 'Broken' });
        return { from: name, input: payload };
    };
  });
  afterEach(() => sfn.drain());

  it('restarts a FAILED execution from the failed task: completed tasks are not run again, and answers redriveDate', async () => {
    failFirst = { Second: 1 };
    const executionArn = run({ StartAt: 'First', States: { First: task('First', { Next: 'Second' }), Second: task('Second', { End: true }) } });
    expect(await status(executionArn, 'FAILED')).toMatchObject({ error: 'Broken', redriveStatus: 'REDRIVABLE' });

    const answer = sfn.redriveExecution({ executionArn });

    expect(answer).toEqual({ redriveDate: expect.any(Number) });
    expect(await status(executionArn, 'SUCCEEDED')).toMatchObject({ redriveCount: 1, redriveDate: answer.redriveDate });
    expect(calls).toEqual(['First', 'Second', 'Second']);
  });

  it('gives the redriven task a fresh retry budget', async () => {
    failFirst = { Flaky: 2 };
    const retry = [{ ErrorEquals: ['Broken'], IntervalSeconds: 1, MaxAttempts: 1 }];
    const executionArn = run({ StartAt: 'Flaky', States: { Flaky: task('Flaky', { Retry: retry, End: true }) } });
    await status(executionArn, 'FAILED');
    expect(count('Flaky')).toBe(2);

    sfn.redriveExecution({ executionArn });

    await status(executionArn, 'SUCCEEDED');
    expect(count('Flaky')).toBe(3);
  });

  it('re-runs only the Map iterations that failed', async () => {
    failFirst = { Item: 0 };
    let failB = true;
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Item', States: { Item: task('Item', { Parameters: { 'item.$': '$' }, End: true }) } },
          End: true,
        },
      },
    };
    behaviour = async (_arn, payload) => {
      calls.push(`Item:${(payload as { item: string }).item}`);
      if ((payload as { item: string }).item === 'b' && failB) {
        failB = false;
        throw Object.assign(new Error('b broke'), { name: 'Broken' });
      }
      return (payload as { item: string }).item.toUpperCase();
    };
    const executionArn = run(definition, { items: ['a', 'b', 'c'] });
    await status(executionArn, 'FAILED');
    const before = [...calls];

    sfn.redriveExecution({ executionArn });

    const done = await status(executionArn, 'SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual(['A', 'B', 'C']);
    expect(calls.slice(before.length)).toEqual(['Item:b']);
  });

  it('fails again at a Fail state without re-running the task whose failure was caught', async () => {
    failFirst = { Risky: 1 };
    const executionArn = run({
      StartAt: 'Risky',
      States: {
        Risky: task('Risky', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Stop' }], End: true }),
        Stop: { Type: 'Fail', Error: 'Stopped', Cause: 'caught' },
      },
    });
    await status(executionArn, 'FAILED');

    sfn.redriveExecution({ executionArn });

    expect(await status(executionArn, 'FAILED')).toMatchObject({ error: 'Stopped', redriveCount: 1 });
    expect(count('Risky')).toBe(1);
  });

  it('redrives an ABORTED callback with a new token; the old one stays closed', async () => {
    const definition = {
      StartAt: 'Gate',
      States: {
        Gate: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fn('Gate'), Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    };
    const executionArn = run(definition);
    await status(executionArn, 'RUNNING');
    for (let i = 0; i < 100 && tokens.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    sfn.stopExecution({ executionArn, error: 'Stopped', cause: 'by hand' });
    expect(sfn.describeExecution({ executionArn })).toMatchObject({ status: 'ABORTED', error: 'Stopped' });

    sfn.redriveExecution({ executionArn });
    for (let i = 0; i < 100 && tokens.length < 2; i++) await new Promise((r) => setTimeout(r, 20));

    expect(tokens).toHaveLength(2);
    expect(apiError(() => sfn.sendTaskSuccess({ taskToken: tokens[0], output: '1' }))).toBe('TaskTimedOut');
    sfn.sendTaskSuccess({ taskToken: tokens[1], output: '2' });
    expect(await status(executionArn, 'SUCCEEDED')).toMatchObject({ output: '2' });
  });

  it('redrives a TIMED_OUT execution', async () => {
    let slow = true;
    behaviour = async () => {
      if (slow) {
        slow = false;
        return new Promise(() => undefined);
      }
      return 'done';
    };
    const executionArn = run({ StartAt: 'Slow', States: { Slow: task('Slow', { End: true }) } }, {}, 1);
    expect(await status(executionArn, 'TIMED_OUT')).toMatchObject({ error: 'States.Timeout' });

    sfn.redriveExecution({ executionArn });

    expect(await status(executionArn, 'SUCCEEDED')).toMatchObject({ output: '"done"' });
  });

  it('refuses RUNNING and SUCCEEDED executions, unknown and malformed ARNs, with the codes AWS answers', async () => {
    const gate = {
      StartAt: 'Gate',
      States: { Gate: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: fn('Gate'), Payload: { 'token.$': '$$.Task.Token' } }, End: true } },
    };
    const running = run(gate);
    const succeeded = run({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
    await status(succeeded, 'SUCCEEDED');

    expect(apiError(() => sfn.redriveExecution({ executionArn: running }))).toBe('ExecutionNotRedrivable');
    expect(apiError(() => sfn.redriveExecution({ executionArn: succeeded }))).toBe('ExecutionNotRedrivable');
    expect(sfn.describeExecution({ executionArn: succeeded })).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' });
    expect(apiError(() => sfn.redriveExecution({ executionArn: `${succeeded}-nope` }))).toBe('ExecutionDoesNotExist');
    expect(apiError(() => sfn.redriveExecution({ executionArn: 'not-an-arn' }))).toBe('InvalidArn');
    expect(apiError(() => sfn.handle('RedriveExecution', { executionArn: running }))).toBe('ExecutionNotRedrivable');
  });
});
