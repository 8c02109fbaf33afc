import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions';
import { mintToken } from '../../../infra/local/stepfunctions/tokens';
import { apiError } from './stepfunctions-support';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:Gate';
/** A gate that waits for a task token, then ends with what SendTaskSuccess sent. */
const DEFINITION = JSON.stringify({
  StartAt: 'Gate',
  States: {
    Gate: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 60,
      End: true,
    },
  },
});


describe('LocalStepFunctions', () => {
  let sfn: LocalStepFunctions;
  let machineArn: string;
  let tokens: string[];

  const waitForToken = async () => {
    for (let i = 0; i < 250 && tokens.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    return tokens[0];
  };
  const waitForStatus = async (executionArn: string, status: string) => {
    for (let i = 0; i < 250; i++) {
      if (sfn.describeExecution({ executionArn }).status === status) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`never reached ${status}`);
  };

  beforeEach(() => {
    // Each instance records into its own list, so an execution left from another test cannot leak in.
    const minted: string[] = [];
    tokens = minted;
    sfn = new LocalStepFunctions({
      region: 'us-east-1',
      accountId: '000000000000',
      stateFile: join(mkdtempSync(join(tmpdir(), 'sfn-unit-')), 'executions.json'),
      invoke: async (_arn, payload) => {
        minted.push((payload as { token: string }).token);
        return null;
      },
    });
    machineArn = sfn.register('Gate', DEFINITION, 3600);
  });

  afterEach(() => sfn.drain());

  it('refuses an unknown state machine, a bad execution name and input that is not JSON', () => {
    expect(apiError(() => sfn.startExecution({ stateMachineArn: `${machineArn}x`, input: '{}' }))).toBe('StateMachineDoesNotExist');
    expect(apiError(() => sfn.startExecution({ stateMachineArn: machineArn, name: 'has spaces', input: '{}' }))).toBe('InvalidName');
    expect(apiError(() => sfn.startExecution({ stateMachineArn: machineArn, input: '{oops' }))).toBe('InvalidExecutionInput');
  });

  it('treats a repeated start with the same name and input as the same execution, and a different input as a conflict', () => {
    const first = sfn.startExecution({ stateMachineArn: machineArn, name: 'order-1', input: '{"a":1}' });
    expect(sfn.startExecution({ stateMachineArn: machineArn, name: 'order-1', input: '{"a":1}' }).executionArn).toBe(first.executionArn);
    expect(apiError(() => sfn.startExecution({ stateMachineArn: machineArn, name: 'order-1', input: '{"a":2}' }))).toBe('ExecutionAlreadyExists');
  });

  it('hands the function a minted task token and finishes with the output sent for it', async () => {
    const { executionArn } = sfn.startExecution({ stateMachineArn: machineArn, input: '{}' });
    const token = await waitForToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    sfn.sendTaskSuccess({ taskToken: token, output: '{"decision":"confirm"}' });

    await waitForStatus(executionArn, 'SUCCEEDED');
    expect(JSON.parse(sfn.describeExecution({ executionArn }).output as string)).toEqual({ decision: 'confirm' });
  });

  it('refuses output that is not JSON and keeps the task waiting for a valid answer', async () => {
    const { executionArn } = sfn.startExecution({ stateMachineArn: machineArn, input: '{}' });
    const token = await waitForToken();

    expect(apiError(() => sfn.sendTaskSuccess({ taskToken: token, output: 'not json' }))).toBe('InvalidOutput');

    sfn.sendTaskFailure({ taskToken: token, error: 'OrderRejected', cause: 'blurry' });
    await waitForStatus(executionArn, 'FAILED');
    expect(sfn.describeExecution({ executionArn })).toMatchObject({ error: 'OrderRejected', cause: 'blurry' });
  });

  it('answers TaskTimedOut for a token already used, InvalidToken for a malformed one or none, TaskDoesNotExist for an unknown well-formed one', async () => {
    sfn.startExecution({ stateMachineArn: machineArn, input: '{}' });
    const token = await waitForToken();
    sfn.sendTaskSuccess({ taskToken: token, output: '{}' });

    expect(apiError(() => sfn.sendTaskSuccess({ taskToken: token, output: '{}' }))).toBe('TaskTimedOut');
    // AWS: "Invalid Token: 'Provided task token is malformed'" for a string that is not a token.
    expect(apiError(() => sfn.sendTaskSuccess({ taskToken: 'unknown', output: '{}' }))).toBe('InvalidToken');
    expect(apiError(() => sfn.sendTaskSuccess({ taskToken: mintToken(), output: '{}' }))).toBe('TaskDoesNotExist');
    expect(apiError(() => sfn.sendTaskHeartbeat({}))).toBe('InvalidToken');
  });

  it('marks a running execution saved before attempts were recorded as ABORTED on the next start (nothing to replay)', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'sfn-unit-')), 'executions.json');
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:Gate:old';
    const old = { executionArn, stateMachineArn: machineArn, name: 'old', input: '{}', status: 'RUNNING', startDate: 1 };
    writeFileSync(stateFile, JSON.stringify([old]));

    const second = new LocalStepFunctions({ region: 'us-east-1', accountId: '000000000000', stateFile, invoke: async () => null });

    expect(second.describeExecution({ executionArn })).toMatchObject({ status: 'ABORTED', error: 'LocalCloudRestarted' });
    await second.drain();
  });
});
