import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskTokenStateMachine } from '../../../infra/local/cloud';
import { LocalStepFunctions } from '../../../infra/local/stepfunctions';
import { gate } from './stepfunctions-support';

/** SendTask* authorize on the state machine of the token's execution: the cloud finds it through the stand-in. */
describe("a task token's state machine, for the Step Functions proxy", () => {
  it('names the state machine of the execution that holds the token, and nothing for an unknown token', async () => {
    const tokens: string[] = [];
    const sfn = new LocalStepFunctions({
      region: 'us-east-1',
      accountId: '000000000000',
      stateFile: join(mkdtempSync(join(tmpdir(), 'iam-tokens-')), 'executions.json'),
      invoke: async (_arn, payload) => {
        tokens.push((payload as { token: string }).token);
        return null;
      },
    });
    const machine = sfn.register('Gate', gate());
    sfn.startExecution({ stateMachineArn: machine, input: '{}' });
    for (let i = 0; i < 200 && !tokens.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(machine).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:Gate');
    expect(taskTokenStateMachine(sfn, tokens[0])).toBe(machine);
    expect(taskTokenStateMachine(sfn, 'unknown')).toBeUndefined();
    sfn.sendTaskSuccess({ taskToken: tokens[0], output: '{}' });
    await sfn.drain();
  });
});
