import { InvalidToken, SendTaskSuccessCommand, type SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { RequestState } from './provider';
import type { RequestOutcome } from './request-store';

/** What a waiting step is resumed with: the request's state, as a status poll would answer it. */
export interface ResumeOutput {
  readonly state: RequestState;
}

export const stateOfOutcome = (outcome: RequestOutcome): RequestState => (outcome === 'OK' ? 'COMPLETED' : 'FAILED');

/**
 * Resumes the step waiting on a task token; true if it did. A token that is no
 * longer waiting (the step timed out into a poll, was resumed already, or its
 * execution ended) is not an error: whoever holds the newer token resumes it.
 */
export async function resumeStep(sfn: Pick<SFNClient, 'send'>, taskToken: string, output: ResumeOutput): Promise<boolean> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return true;
  } catch (error) {
    if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken) return false;
    throw error;
  }
}
