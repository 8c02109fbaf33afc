import { type LocalStepFunctions, SfnApiError } from '../../../infra/local/stepfunctions';

/** Runs a call of the local Step Functions API that must fail, and answers its AWS error type. */
export function apiError(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof SfnApiError) return error.type;
    throw error;
  }
  throw new Error('expected an SfnApiError');
}

export const GATE_FN = 'arn:aws:lambda:us-east-1:000000000000:function:Gate';

/** A one-state machine whose callback task has the given extra fields (TimeoutSeconds, HeartbeatSeconds, Retry…). */
export const gate = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    StartAt: 'Gate',
    States: {
      Gate: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: GATE_FN, Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
        ...fields,
      },
    },
  });

/** Polls an execution until it reaches `want` (about 6 s at most), answering its description. */
export async function waitForStatus(sfn: LocalStepFunctions, executionArn: string, want: string) {
  for (let i = 0; i < 300; i++) {
    const described = sfn.describeExecution({ executionArn });
    if (described.status === want) return described;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never ${want}: ${JSON.stringify(sfn.describeExecution({ executionArn }))}`);
}
