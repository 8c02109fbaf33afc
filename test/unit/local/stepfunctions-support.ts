import { SfnApiError } from '../../../infra/local/stepfunctions';

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
