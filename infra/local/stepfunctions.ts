import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';

/**
 * A Step Functions stand-in: runs the same ASL files with aws-local-stepfunctions
 * and answers the Step Functions API calls the functions make (StartExecution,
 * DescribeExecution, SendTaskSuccess/Failure/Heartbeat) over the same JSON
 * protocol, so handlers use the real SFN client against it.
 */

/** Invokes a function by ARN with a payload, as Lambda would. */
export type Invoke = (functionArn: string, payload: unknown) => Promise<unknown>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type AslState = { Type: string; Resource?: string; TimeoutSeconds?: number; [key: string]: unknown };
type AslDefinition = { StartAt: string; States: Record<string, AslState>; [key: string]: unknown };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

/** An error the SFN client maps to its modelled exception by `__type`. */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

// `$$.Task.Token` resolves to this marker; the task override swaps in a fresh token.
const TOKEN_MARKER = '__LOCAL_TASK_TOKEN__';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

interface Waiter {
  executionArn: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

interface Machine {
  arn: string;
  name: string;
  definition: AslDefinition;
  stateMachine: StateMachine;
  overrides: Record<string, (input: Json) => Promise<Json>>;
}

export interface LocalStepFunctionsOptions {
  readonly region: string;
  readonly accountId: string;
  /** Where executions are persisted across restarts. */
  readonly stateFile: string;
  readonly invoke: Invoke;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly waiters = new Map<string, Waiter>();
  /** Tokens that existed but can no longer be answered (used, timed out, execution ended). */
  private readonly spentTokens = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.load();
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${name}`;
  }

  /** Registers a state machine from its ASL text, placeholders already substituted (see registerStateMachines), and its execution timeout. */
  register(name: string, definitionText: string, timeoutSeconds?: number): string {
    const definition = JSON.parse(definitionText) as AslDefinition;
    // CDK writes the state machine's timeout into the definition; do the same.
    if (timeoutSeconds !== undefined) definition.TimeoutSeconds = timeoutSeconds;
    const overrides: Machine['overrides'] = {};
    for (const [stateName, state] of taskStates(definition)) {
      if (overrides[stateName]) throw new Error(`State machine ${name}: Task state name "${stateName}" is used twice`);
      overrides[stateName] = this.taskOverride(name, stateName, state);
    }
    const arn = this.stateMachineArn(name);
    // The interpreter annotates the object it is given, so it gets its own copy. A JSON copy, not
    // structuredClone: the interpreter only expands Parameters objects whose prototype is its own
    // realm's Object.prototype, which structuredClone's objects lack inside a VM context (Jest).
    const copy = JSON.parse(JSON.stringify(definition)) as AslDefinition;
    this.machines.set(arn, { arn, name, definition, overrides, stateMachine: new StateMachine(copy as never) });
    return arn;
  }

  /** The registered state machines and their substituted definitions, for the parity test. */
  definitions(): Record<string, unknown> {
    return Object.fromEntries([...this.machines.values()].map((m) => [m.name, m.definition]));
  }

  startExecution(request: { stateMachineArn?: string; name?: string; input?: string }): { executionArn: string; startDate: number } {
    const machine = this.machines.get(request.stateMachineArn ?? '');
    if (!machine) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? randomBytes(16).toString('hex');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    let parsed: Json;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Same name and input while running is idempotent on AWS; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
    };
    this.executions.set(executionArn, record);
    this.save();
    this.track(this.run(machine, record, parsed));
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(request: { executionArn?: string }): Record<string, unknown> {
    const record = this.executions.get(request.executionArn ?? '');
    if (!record) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
    return { ...record };
  }

  sendTaskSuccess(request: { taskToken?: string; output?: string }): Record<string, never> {
    const waiter = this.takeWaiter(request.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(request.output ?? '');
    } catch {
      this.waiters.set(request.taskToken!, waiter);
      throw new SfnApiError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    waiter.resolve(output);
    return {};
  }

  sendTaskFailure(request: { taskToken?: string; error?: string; cause?: string }): Record<string, never> {
    const waiter = this.takeWaiter(request.taskToken);
    const error = new Error(request.cause ?? '');
    error.name = request.error ?? '';
    waiter.reject(error);
    return {};
  }

  sendTaskHeartbeat(request: { taskToken?: string }): Record<string, never> {
    this.peekWaiter(request.taskToken);
    return {};
  }

  /** Dispatches one Step Functions JSON-protocol action (the X-Amz-Target suffix). */
  handle(action: string, body: Record<string, unknown>): unknown {
    switch (action) {
      case 'StartExecution':
        return this.startExecution(body);
      case 'DescribeExecution':
        return this.describeExecution(body);
      case 'SendTaskSuccess':
        return this.sendTaskSuccess(body);
      case 'SendTaskFailure':
        return this.sendTaskFailure(body);
      case 'SendTaskHeartbeat':
        return this.sendTaskHeartbeat(body);
      default:
        throw new SfnApiError('UnknownOperationException', `The local Step Functions does not implement ${action}`);
    }
  }

  /** Waits for running executions to settle (used on shutdown and in tests). */
  async drain(): Promise<void> {
    for (const waiter of this.waiters.values()) clearTimeout(waiter.timer);
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, 200))]);
  }

  private async run(machine: Machine, record: ExecutionRecord, input: Json): Promise<void> {
    const execution = machine.stateMachine.run(input, {
      overrides: { taskResourceLocalHandlers: bindExecution(machine.overrides, record.executionArn) },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, Input: input, StartTime: new Date(record.startDate * 1000).toISOString() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TOKEN_MARKER },
      },
    });
    try {
      const output = await execution.result;
      Object.assign(record, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) });
    } catch (error) {
      const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
      const timedOut = cause?.name === 'ExecutionTimeoutError';
      Object.assign(record, { status: timedOut ? 'TIMED_OUT' : 'FAILED', error: cause?.name, cause: cause?.message });
    }
    record.stopDate = Date.now() / 1000;
    for (const [token, waiter] of this.waiters) {
      if (waiter.executionArn === record.executionArn) {
        clearTimeout(waiter.timer);
        this.waiters.delete(token);
        this.spentTokens.add(token);
      }
    }
    this.save();
  }

  private taskOverride(machineName: string, stateName: string, state: AslState) {
    const { invoke } = this.options;
    const resource = state.Resource ?? '';
    if (resource === LAMBDA_INVOKE) {
      return async (input: Json, _executionArn?: string): Promise<Json> => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
        const result = (await invoke(FunctionName, Payload)) as Json;
        return { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 };
      };
    }
    if (resource === LAMBDA_INVOKE_WAIT) {
      return async (input: Json, executionArn?: string): Promise<Json> => {
        const token = randomBytes(48).toString('base64url');
        const { FunctionName, Payload } = replaceMarker(input, token) as { FunctionName: string; Payload: Json };
        const result = new Promise<Json>((resolve, reject) => {
          const waiter: Waiter = { executionArn: executionArn ?? '', resolve: resolve as Waiter['resolve'], reject };
          // The state's own TimeoutSeconds ends the wait in the interpreter; expire the token with it.
          if (state.TimeoutSeconds) {
            waiter.timer = setTimeout(() => {
              this.waiters.delete(token);
              this.spentTokens.add(token);
            }, state.TimeoutSeconds * 1000);
            waiter.timer.unref();
          }
          this.waiters.set(token, waiter);
        });
        await invoke(FunctionName, Payload);
        return result;
      };
    }
    if (/^arn:aws:lambda:/.test(resource)) {
      return async (input: Json): Promise<Json> => (await invoke(resource, input)) as Json;
    }
    throw new Error(`State machine ${machineName}, state "${stateName}": the local cloud cannot run Resource ${resource}`);
  }

  private takeWaiter(token: string | undefined): Waiter {
    const waiter = this.peekWaiter(token);
    this.waiters.delete(token!);
    this.spentTokens.add(token!);
    clearTimeout(waiter.timer);
    return waiter;
  }

  private peekWaiter(token: string | undefined): Waiter {
    if (!token) throw new SfnApiError('InvalidToken', 'Invalid Token: the task token is required');
    const waiter = this.waiters.get(token);
    if (waiter) return waiter;
    if (this.spentTokens.has(token)) throw new SfnApiError('TaskTimedOut', 'Task Timed Out: the task is no longer waiting');
    throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private track(promise: Promise<void>): void {
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  private load(): void {
    if (!existsSync(this.options.stateFile)) return;
    const saved = JSON.parse(readFileSync(this.options.stateFile, 'utf8')) as ExecutionRecord[];
    const now = Date.now() / 1000;
    for (const record of saved) {
      // An interpreter's in-memory state does not survive a restart: end what was running, visibly.
      if (record.status === 'RUNNING') {
        Object.assign(record, { status: 'ABORTED', stopDate: now, error: 'LocalCloudRestarted', cause: 'The local cloud stopped while this execution was running.' });
      }
      this.executions.set(record.executionArn, record);
    }
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.options.stateFile), { recursive: true });
    const tmp = `${this.options.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.executions.values()], null, 1));
    renameSync(tmp, this.options.stateFile);
  }
}

/** All Task states of a definition, including those inside Map and Parallel states. */
export function* taskStates(definition: { States: Record<string, AslState> }): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') yield [name, state];
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) yield* taskStates(processor);
    for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) yield* taskStates(branch);
  }
}

function bindExecution(overrides: Machine['overrides'], executionArn: string): Record<string, (input: Json) => Promise<Json>> {
  const bound: Record<string, (input: Json) => Promise<Json>> = {};
  for (const [name, fn] of Object.entries(overrides)) {
    bound[name] = (input) => (fn as (input: Json, arn: string) => Promise<Json>)(input, executionArn);
  }
  return bound;
}

function replaceMarker(value: Json, token: string): Json {
  if (value === TOKEN_MARKER) return token;
  if (Array.isArray(value)) return value.map((v) => replaceMarker(v, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceMarker(v, token)]));
  }
  return value;
}
