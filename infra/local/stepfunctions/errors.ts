import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';

/** An error the SFN client maps to its modelled exception by `__type`. */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The maximum payload: "Maximum input or output size for a task, state, or execution: 256 KiB
 * of data as a UTF-8 encoded string" (Step Functions service quotas), which is also the
 * API's length constraint on `input` and `output` (262144).
 */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/** UTF-8 size of a JSON value's text. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), 'utf8');
}

/** What the JSON protocol answers for a request member over its modelled length (a ValidationException). */
export function tooLong(member: string, limit = PAYLOAD_LIMIT_BYTES): SfnApiError {
  return new SfnApiError(
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${limit}`,
  );
}

/** A failure recorded for a task attempt, replayed identically after a restart. */
export interface Failure {
  error: string;
  cause: string;
}

/** Error names the ASL defines that carry special matching rules. */
export const STATES_TIMEOUT = 'States.Timeout';
export const STATES_HEARTBEAT_TIMEOUT = 'States.HeartbeatTimeout';
export const STATES_DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/**
 * The error a task attempt throws into the interpreter. aws-local-stepfunctions reads
 * `isRetryable` / `isCatchable` from the error, and excludes instances of its own (unexported)
 * StatesTimeoutError from `States.TaskFailed`, as AWS does ("States.TaskFailed matches any known
 * error name except for States.Timeout"), so a timeout is built on that class's prototype.
 * States.DataLimitExceeded is terminal: "States.ALL cannot catch States.DataLimitExceeded"
 * (error handling, developer guide), so it is neither retryable nor catchable.
 */
export async function taskError(failure: Failure): Promise<Error> {
  const error = failure.error === STATES_TIMEOUT ? Object.create((await statesTimeoutPrototype()) ?? Error.prototype) : new Error();
  Object.defineProperty(error, 'message', { value: failure.cause, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: failure.error, writable: true, configurable: true });
  if (failure.error === STATES_DATA_LIMIT_EXCEEDED) {
    Object.defineProperty(error, 'isRetryable', { value: false });
    Object.defineProperty(error, 'isCatchable', { value: false });
  } else if (failure.error === STATES_TIMEOUT) {
    Object.assign(error, { retryable: true, catchable: true });
  }
  return error as Error;
}

/** `{ error, cause }` of anything thrown by a function or the interpreter. */
export function failureOf(error: unknown): Failure {
  const err = error as Partial<Error> | undefined;
  return { error: err?.name ?? 'Error', cause: err?.message ?? String(error) };
}

let timeoutPrototype: Promise<object | undefined> | undefined;

/** StatesTimeoutError.prototype, taken from a 1 ms timeout of a throwaway one-state machine. */
function statesTimeoutPrototype(): Promise<object | undefined> {
  timeoutPrototype ??= (async () => {
    const probe = new StateMachine(
      { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Probe', TimeoutSeconds: 0.001, End: true } } } as never,
      { validationOptions: { noValidate: true } },
    );
    try {
      await probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } } }).result;
    } catch (error) {
      const cause = error instanceof ExecutionError ? (error.cause as Error | undefined) : undefined;
      if (cause?.name === STATES_TIMEOUT) return Object.getPrototypeOf(cause) as object;
    }
    return undefined;
  })();
  return timeoutPrototype;
}

// Resolve it at load, while real timers run (tests may install fake ones later).
void statesTimeoutPrototype();
