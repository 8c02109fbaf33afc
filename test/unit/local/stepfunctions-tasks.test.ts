import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions';
import { apiError, gate, waitForStatus } from './stepfunctions-support';

const DAY_S = 24 * 3600;



describe('local Step Functions tasks: tokens, heartbeats, timeouts and payload limits', () => {
  let sfn: LocalStepFunctions;
  let tokens: string[];
  let result: (arn: string) => unknown;

  const make = (options: { timerLimitMs?: number; refreshMs?: number } = {}) =>
    new LocalStepFunctions({
      region: 'us-east-1',
      accountId: '000000000000',
      stateFile: join(mkdtempSync(join(tmpdir(), 'sfn-tasks-')), 'executions.json'),
      invoke: async (arn, payload) => {
        const token = (payload as { token?: string } | null)?.token;
        if (token) tokens.push(token);
        return result(arn);
      },
      ...options,
    });
  const start = (definition: string, timeoutSeconds?: number, input: unknown = {}) => {
    const arn = sfn.register(`M${Math.random().toString(36).slice(2, 8)}`, definition, timeoutSeconds);
    return sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify(input) }).executionArn;
  };
  const tokenNumber = async (n: number) => {
    for (let i = 0; i < 200 && tokens.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return tokens[n - 1];
  };
  const status = (executionArn: string, want: string) => waitForStatus(sfn, executionArn, want);

  beforeEach(() => {
    tokens = [];
    result = () => null;
    sfn = make();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await sfn.drain();
  });

  describe('task tokens', () => {
    it('gives each retry attempt its own token and closes the old one with its attempt', async () => {
      const executionArn = start(gate({ Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1, MaxAttempts: 1 }] }));
      const first = await tokenNumber(1);
      sfn.sendTaskFailure({ taskToken: first, error: 'Busy', cause: 'try again' });

      const second = await tokenNumber(2);

      expect(second).not.toBe(first);
      expect(apiError(() => sfn.sendTaskSuccess({ taskToken: first, output: '"late"' }))).toBe('TaskTimedOut');
      sfn.sendTaskSuccess({ taskToken: second, output: '"ok"' });
      expect(await status(executionArn, 'SUCCEEDED')).toMatchObject({ output: '"ok"' });
    });

    it('answers TaskTimedOut for a token whose task timed out or whose execution ended', async () => {
      const timedOut = start(gate({ TimeoutSeconds: 1 }));
      const expired = await tokenNumber(1);
      expect(await status(timedOut, 'FAILED')).toMatchObject({ error: 'States.Timeout' });
      expect(apiError(() => sfn.sendTaskSuccess({ taskToken: expired, output: '{}' }))).toBe('TaskTimedOut');
      expect(apiError(() => sfn.sendTaskHeartbeat({ taskToken: expired }))).toBe('TaskTimedOut');

      const stopped = start(gate({}));
      const orphan = await tokenNumber(2);
      sfn.stopExecution({ executionArn: stopped });
      expect(apiError(() => sfn.sendTaskFailure({ taskToken: orphan, error: 'X' }))).toBe('TaskTimedOut');
    });
  });

  describe('HeartbeatSeconds', () => {
    it('fails the task with States.HeartbeatTimeout when no heartbeat comes in time', async () => {
      const executionArn = start(gate({ HeartbeatSeconds: 1, TimeoutSeconds: 30 }));
      await tokenNumber(1);
      expect(await status(executionArn, 'FAILED')).toMatchObject({ error: 'States.HeartbeatTimeout' });
    });

    it('keeps the task alive while SendTaskHeartbeat arrives, and lets it be caught by name', async () => {
      const executionArn = start(gate({ HeartbeatSeconds: 1, TimeoutSeconds: 30 }));
      const token = await tokenNumber(1);
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 400));
        expect(sfn.sendTaskHeartbeat({ taskToken: token })).toEqual({});
      }
      expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
      sfn.sendTaskSuccess({ taskToken: token, output: '"alive"' });
      expect(await status(executionArn, 'SUCCEEDED')).toMatchObject({ output: '"alive"' });

      const caught = start(
        JSON.stringify({
          StartAt: 'Gate',
          States: {
            Gate: { ...JSON.parse(gate({ HeartbeatSeconds: 1 })).States.Gate, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Missed' }] },
            Missed: { Type: 'Pass', Result: 'missed', End: true },
          },
        }),
      );
      expect(await status(caught, 'SUCCEEDED')).toMatchObject({ output: '"missed"' });
    });
  });

  describe('timeouts', () => {
    const fake = () => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const advance = async (ms: number) => {
      // In steps, so chained timers and the interpreter's promises settle in between.
      for (let left = ms; left > 0; left -= Math.min(left, 6 * 3600 * 1000)) await jest.advanceTimersByTimeAsync(Math.min(left, 6 * 3600 * 1000));
    };

    it('invents no timeout for a Task without TimeoutSeconds (aws-local-stepfunctions would use 60 s)', async () => {
      fake();
      const executionArn = start(gate({}));
      await advance(1000);
      const token = tokens[0];

      await advance(10 * 60 * 1000);

      expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
      sfn.sendTaskSuccess({ taskToken: token, output: '"late but fine"' });
      await advance(1000);
      expect(sfn.describeExecution({ executionArn })).toMatchObject({ status: 'SUCCEEDED', output: '"late but fine"' });
    });

    it('holds task timeouts, waits and execution timeouts longer than Node’s 24.8-day timer limit', async () => {
      fake();
      const longGate = start(gate({ TimeoutSeconds: 30 * DAY_S }));
      const longWait = start(JSON.stringify({ StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 30 * DAY_S, Next: 'Done' }, Done: { Type: 'Pass', Result: 'woke', End: true } } }));
      const longExecution = start(gate({}), 40 * DAY_S);
      await advance(1000);

      await advance(29 * DAY_S * 1000);

      for (const arn of [longGate, longWait, longExecution]) expect(sfn.describeExecution({ executionArn: arn }).status).toBe('RUNNING');
      await advance(DAY_S * 1000 + 5000);
      expect(sfn.describeExecution({ executionArn: longGate })).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      expect(sfn.describeExecution({ executionArn: longWait })).toMatchObject({ status: 'SUCCEEDED', output: '"woke"' });
      expect(sfn.describeExecution({ executionArn: longExecution }).status).toBe('RUNNING');
      await advance(10 * DAY_S * 1000);
      expect(sfn.describeExecution({ executionArn: longExecution })).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    });

    it('chains timers no longer than the limit it is given', async () => {
      await sfn.drain();
      sfn = make({ timerLimitMs: 100 });
      const executionArn = start(gate({ TimeoutSeconds: 1 }));
      await tokenNumber(1);
      await new Promise((r) => setTimeout(r, 500));
      expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
      expect(await status(executionArn, 'FAILED')).toMatchObject({ error: 'States.Timeout' });
    });
  });

  describe('the 256 KiB payload limit', () => {
    const big = 'x'.repeat(262_145);

    it('refuses an execution input and a SendTaskSuccess output over 256 KiB, and the task keeps waiting', async () => {
      const arn = sfn.register('Limits', gate({}));
      expect(apiError(() => sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify({ big }) }))).toBe('ValidationException');

      const executionArn = sfn.startExecution({ stateMachineArn: arn, input: '{}' }).executionArn;
      const token = await tokenNumber(1);
      expect(apiError(() => sfn.sendTaskSuccess({ taskToken: token, output: JSON.stringify(big) }))).toBe('ValidationException');

      sfn.sendTaskSuccess({ taskToken: token, output: '"small"' });
      expect(await status(executionArn, 'SUCCEEDED')).toMatchObject({ output: '"small"' });
    });

    it('fails with States.DataLimitExceeded, which States.ALL cannot catch, when a task returns more', async () => {
      result = () => big;
      const executionArn = start(
        JSON.stringify({
          StartAt: 'Big',
          States: {
            Big: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Big', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
            Caught: { Type: 'Pass', End: true },
          },
        }),
      );
      expect(await status(executionArn, 'FAILED')).toMatchObject({ error: 'States.DataLimitExceeded' });
    });

    it('fails with States.DataLimitExceeded when a state’s input after Parameters is over the limit', async () => {
      const executionArn = start(
        JSON.stringify({
          StartAt: 'Grow',
          States: {
            Grow: { Type: 'Pass', Parameters: { 'a.$': '$.half', 'b.$': '$.half' }, Next: 'Use' },
            Use: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Use', End: true },
          },
        }),
        undefined,
        { half: 'y'.repeat(140_000) },
      );
      expect(await status(executionArn, 'FAILED')).toMatchObject({ error: 'States.DataLimitExceeded' });
    });
  });
});
