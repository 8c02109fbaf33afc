import { createHash, randomBytes } from 'node:crypto';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { type AslDefinition, assertSupported, type Json, runnableCopy, stepSpecs, type StepSpec } from './stepfunctions/asl';
import {
  type Failure,
  failureOf,
  PAYLOAD_LIMIT_BYTES,
  payloadBytes,
  SfnApiError,
  STATES_DATA_LIMIT_EXCEEDED,
  STATES_HEARTBEAT_TIMEOUT,
  STATES_TIMEOUT,
  taskError,
  tooLong,
} from './stepfunctions/errors';
import { type Attempt, type ExecutionRecord, type ExecutionStatus, loadState, type Outcome, saveState, type StoredExecution } from './stepfunctions/history';
import { atTime, type Deadline, NODE_TIMER_LIMIT_MS } from './stepfunctions/timers';
import { isWellFormedToken, mintToken } from './stepfunctions/tokens';

export { SfnApiError } from './stepfunctions/errors';
export { taskStates } from './stepfunctions/asl';
export type { ExecutionRecord, ExecutionStatus } from './stepfunctions/history';

/**
 * A Step Functions stand-in: runs the same ASL files with aws-local-stepfunctions and answers the
 * Step Functions API calls the functions make (StartExecution, DescribeExecution, StopExecution,
 * RedriveExecution, SendTaskSuccess/Failure/Heartbeat) over the same JSON protocol, so handlers
 * use the real SFN client against it.
 *
 * Every Task (and Wait) state runs through an override that records each attempt in the state
 * file: its outcome, its task token and its deadlines. An execution that was running when the
 * stand-in stopped is resumed on the next start by running the interpreter again from the
 * execution's input and answering every recorded attempt from the recording, so a completed Task
 * is never invoked again, a waiting token keeps its value and its remaining time, and the
 * execution continues where it was. The same replay serves RedriveExecution.
 */

/** Invokes a function by ARN with a payload, as Lambda would. */
export type Invoke = (functionArn: string, payload: unknown) => Promise<unknown>;

// `$$.Task.Token` resolves to this marker; the callback attempt swaps in its own token.
const TOKEN_MARKER = '__LOCAL_TASK_TOKEN__';
const DAY_MS = 24 * 3600 * 1000;
/** "Restarts unsuccessful executions … that didn't complete successfully in the last 14 days" (RedriveExecution). */
const REDRIVABLE_FOR_MS = 14 * DAY_MS;
/** A running interpreter is replaced (by replay) this often, before its own 24.8-day Task timers could fire. */
const REFRESH_MS = 20 * DAY_MS;
/** RedriveExecution answers ExecutionNotRedrivable with these reasons (DescribeExecution's redriveStatusReason). */
const NOT_REDRIVABLE: Partial<Record<ExecutionStatus, string>> = {
  RUNNING: 'Execution is RUNNING and cannot be redriven',
  SUCCEEDED: 'Execution is SUCCEEDED and cannot be redriven',
};

/** What an interpreter that no longer matters is answered (never recorded). */
const CLOSED: Failure = { error: 'States.Runtime', cause: 'The local Step Functions closed this task.' };

interface Machine {
  arn: string;
  name: string;
  definition: AslDefinition;
  steps: Map<string, StepSpec>;
  stateMachine: StateMachine;
}

interface Execution extends StoredExecution {
  attempts: Attempt[];
}

/** One run of the interpreter for an execution; replaced on refresh and redrive. */
interface Run {
  readonly machine: Machine;
  readonly execution: Execution;
  /** Calls so far per state and input hash: the sequence number of the next attempt. */
  readonly seqs: Map<string, number>;
  readonly timers: Deadline[];
  live: boolean;
  abort(): void;
}

export interface LocalStepFunctionsOptions {
  readonly region: string;
  readonly accountId: string;
  /** Where executions and their recorded attempts are persisted across restarts. */
  readonly stateFile: string;
  readonly invoke: Invoke;
  /** Longest single timer in ms (Node's limit by default); tests shorten it to exercise chaining. */
  readonly timerLimitMs?: number;
  /** How often a running execution's interpreter is replaced by a replay, in ms (20 days by default). */
  readonly refreshMs?: number;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly runs = new Map<string, Run>();
  private readonly tokens = new Map<string, { executionArn: string; attempt: Attempt }>();
  /** Per attempt uid: its outcome to come, the resolver, its deadline timer and how to re-arm it. */
  private readonly pending = new Map<string, Promise<Outcome>>();
  private readonly settlers = new Map<string, (outcome: Outcome) => void>();
  private readonly attemptTimers = new Map<string, Deadline>();
  private readonly rearm = new Map<string, () => void>();
  /** Which attempt threw an error into the interpreter, to find the one that failed the execution. */
  private readonly thrownBy = new WeakMap<object, Attempt>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.load();
  }

  /** The execution a live task token belongs to, if any (the IAM proxy resolves SendTask* resources with it). */
  taskTokenExecution(token: string): string | undefined {
    return this.tokens.get(token)?.executionArn;
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${name}`;
  }

  /**
   * Registers a state machine from its ASL text, placeholders already substituted (see
   * registerStateMachines), and its execution timeout. Refuses features the interpreter cannot
   * run (see assertSupported). Executions of it that were running when the stand-in last stopped
   * resume right after.
   */
  register(name: string, definitionText: string, timeoutSeconds?: number): string {
    const definition = JSON.parse(definitionText) as AslDefinition;
    // CDK writes the state machine's timeout into the definition; do the same.
    if (timeoutSeconds !== undefined) definition.TimeoutSeconds = timeoutSeconds;
    assertSupported(name, definition);
    // Validates the definition as written (the runnable copy is rewritten, see runnableCopy).
    new StateMachine(JSON.parse(JSON.stringify(definition)) as never);
    const arn = this.stateMachineArn(name);
    const stateMachine = new StateMachine(runnableCopy(definition) as never, { validationOptions: { noValidate: true } });
    this.machines.set(arn, { arn, name, definition, steps: stepSpecs(definition), stateMachine });
    const later = setTimeout(() => this.resume(), 0);
    later.unref?.();
    return arn;
  }

  /** The registered state machines and their substituted definitions, for the parity test. */
  definitions(): Record<string, unknown> {
    return Object.fromEntries([...this.machines.values()].map((m) => [m.name, m.definition]));
  }

  /** Resumes every RUNNING execution of a registered machine that is not running here yet (idempotent). */
  resume(): void {
    if (this.closed) return;
    for (const execution of this.executions.values()) {
      const machine = this.machines.get(execution.record.stateMachineArn);
      if (execution.record.status === 'RUNNING' && machine && !this.runs.has(execution.record.executionArn)) this.launch(machine, execution);
    }
  }

  startExecution(request: { stateMachineArn?: string; name?: string; input?: string }): { executionArn: string; startDate: number } {
    const machine = this.machines.get(request.stateMachineArn ?? '');
    if (!machine) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? randomBytes(16).toString('hex');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    if (payloadBytes(input) > PAYLOAD_LIMIT_BYTES) throw tooLong('input');
    try {
      JSON.parse(input);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn)?.record;
    if (existing) {
      // Same name and input while running is idempotent on AWS; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = { executionArn, stateMachineArn: machine.arn, name, input, status: 'RUNNING', startDate: Date.now() / 1000 };
    const execution: Execution = { record, attempts: [] };
    this.executions.set(executionArn, execution);
    this.save();
    this.launch(machine, execution);
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(request: { executionArn?: string }): Record<string, unknown> {
    const { record } = this.execution(request.executionArn);
    const reason = this.notRedrivable(record);
    return { ...record, redriveCount: record.redriveCount ?? 0, redriveStatus: reason ? 'NOT_REDRIVABLE' : 'REDRIVABLE', ...(reason ? { redriveStatusReason: reason } : {}) };
  }

  /** StopExecution: a running execution ends ABORTED; its open task tokens close with it. */
  stopExecution(request: { executionArn?: string; error?: string; cause?: string }): { stopDate: number } {
    const execution = this.execution(request.executionArn);
    if (execution.record.status === 'RUNNING') {
      const run = this.runs.get(execution.record.executionArn);
      this.end(execution, 'ABORTED', { error: request.error ?? '', cause: request.cause ?? '' });
      run?.abort();
    }
    return { stopDate: execution.record.stopDate! };
  }

  /**
   * RedriveExecution: "continues the failed execution from the unsuccessful step and uses the same
   * input. Step Functions preserves the results … of the successful steps, and doesn't rerun
   * these steps" (API reference). FAILED, TIMED_OUT and ABORTED executions that stopped in the
   * last 14 days are redrivable; RUNNING and SUCCEEDED ones answer ExecutionNotRedrivable. The
   * replay answers every successful attempt from the recording; the attempt whose failure ended
   * the execution (with its retries) and the attempts cut short are run again.
   */
  redriveExecution(request: { executionArn?: string }): { redriveDate: number } {
    const arn = request.executionArn ?? '';
    if (!/^arn:aws[a-z-]*:states:[^:]*:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    const execution = this.execution(arn);
    const { record } = execution;
    const reason = this.notRedrivable(record);
    if (reason) throw new SfnApiError('ExecutionNotRedrivable', reason);
    const machine = this.machines.get(record.stateMachineArn);
    if (!machine) throw new SfnApiError('ExecutionNotRedrivable', 'State machine is not registered');
    discardForRedrive(execution.attempts);
    const redriveDate = Date.now() / 1000;
    for (const key of ['stopDate', 'output', 'error', 'cause'] as const) delete record[key];
    Object.assign(record, { status: 'RUNNING', redriveCount: (record.redriveCount ?? 0) + 1, redriveDate });
    this.save();
    this.launch(machine, execution);
    return { redriveDate };
  }

  /** SendTaskSuccess: the attempt holding this token succeeds with `output`. */
  sendTaskSuccess(request: { taskToken?: string; output?: string }): Record<string, never> {
    if (payloadBytes(request.output ?? '') > PAYLOAD_LIMIT_BYTES) throw tooLong('output');
    const { attempt } = this.openTask(request.taskToken);
    let output: Json;
    try {
      output = JSON.parse(request.output ?? '') as Json;
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    this.settle(attempt, { output });
    return {};
  }

  /** SendTaskFailure: the attempt holding this token fails with `error` and `cause` (Retry and Catch apply). */
  sendTaskFailure(request: { taskToken?: string; error?: string; cause?: string }): Record<string, never> {
    if ((request.error ?? '').length > 256) throw tooLong('error', 256);
    if ((request.cause ?? '').length > 32_768) throw tooLong('cause', 32_768);
    const { attempt } = this.openTask(request.taskToken);
    this.settle(attempt, { error: request.error ?? '', cause: request.cause ?? '' });
    return {};
  }

  /** SendTaskHeartbeat: "resets the Heartbeat clock" (HeartbeatSeconds); TimeoutSeconds still bounds the task. */
  sendTaskHeartbeat(request: { taskToken?: string }): Record<string, never> {
    const { executionArn, attempt } = this.openTask(request.taskToken);
    const spec = this.specOf(executionArn, attempt.state);
    if (spec?.kind === 'callback' && spec.heartbeatSeconds) {
      attempt.heartbeatDeadline = Date.now() + spec.heartbeatSeconds * 1000;
      this.save();
      this.rearm.get(attempt.uid)?.();
    }
    return {};
  }

  /** Dispatches one Step Functions JSON-protocol action (the X-Amz-Target suffix). */
  handle(action: string, body: Record<string, unknown>): unknown {
    switch (action) {
      case 'StartExecution':
        return this.startExecution(body);
      case 'DescribeExecution':
        return this.describeExecution(body);
      case 'StopExecution':
        return this.stopExecution(body);
      case 'RedriveExecution':
        return this.redriveExecution(body);
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

  /**
   * Stops this stand-in (shutdown, tests): lets function calls under way finish for a moment so
   * their results are recorded, then stops every interpreter and timer without ending any
   * execution. The next instance on the same state file resumes them.
   */
  async drain(): Promise<void> {
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 200))]);
    this.closed = true;
    for (const run of this.runs.values()) this.stopRun(run);
    for (const execution of this.executions.values()) for (const attempt of execution.attempts) this.release(attempt);
  }

  private launch(machine: Machine, execution: Execution): void {
    const { record } = execution;
    const input = JSON.parse(record.input) as Json;
    const run: Run = { machine, execution, seqs: new Map(), timers: [], live: true, abort: () => undefined };
    this.runs.set(record.executionArn, run);
    const handlers = Object.fromEntries([...machine.steps].map(([state, spec]) => [state, (stepInput: Json) => this.step(run, state, spec, stepInput)]));
    const started = machine.stateMachine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, Input: input, StartTime: new Date(record.startDate * 1000).toISOString() },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TOKEN_MARKER },
      },
    });
    run.abort = started.abort;
    const limit = this.options.timerLimitMs ?? NODE_TIMER_LIMIT_MS;
    if (machine.definition.TimeoutSeconds !== undefined) {
      // The execution's own timeout, from its start (or its latest redrive).
      const from = (record.redriveDate ?? record.startDate) * 1000;
      run.timers.push(atTime(from + machine.definition.TimeoutSeconds * 1000, () => this.timeOut(run), limit));
    }
    run.timers.push(atTime(Date.now() + (this.options.refreshMs ?? REFRESH_MS), () => this.refresh(run), limit));
    void this.finish(run, started.result);
  }

  private async finish(run: Run, result: Promise<unknown>): Promise<void> {
    try {
      const output = JSON.stringify((await result) ?? null);
      if (!run.live) return;
      if (payloadBytes(output) > PAYLOAD_LIMIT_BYTES) {
        this.end(run.execution, 'FAILED', { error: STATES_DATA_LIMIT_EXCEEDED, cause: 'The execution output has a size exceeding the maximum number of bytes service limit.' });
      } else {
        this.end(run.execution, 'SUCCEEDED', undefined, output);
      }
    } catch (error) {
      if (!run.live) return;
      const cause = error instanceof ExecutionError && error.cause ? error.cause : error;
      const culprit = typeof cause === 'object' && cause ? this.thrownBy.get(cause) : undefined;
      if (culprit) culprit.fatal = true;
      this.end(run.execution, 'FAILED', failureOf(cause));
    }
  }

  /** The execution's TimeoutSeconds ran out: TIMED_OUT, whatever state it was in. */
  private timeOut(run: Run): void {
    if (!run.live) return;
    this.end(run.execution, 'TIMED_OUT', { error: STATES_TIMEOUT, cause: 'The execution timed out (TimeoutSeconds).' });
    run.abort();
  }

  /** Replaces a long-running interpreter with a replay of the same execution (see REFRESH_MS). */
  private refresh(run: Run): void {
    if (!run.live || this.closed) return;
    this.stopRun(run);
    this.launch(run.machine, run.execution);
  }

  private stopRun(run: Run): void {
    run.live = false;
    for (const timer of run.timers) timer.cancel();
    if (this.runs.get(run.execution.record.executionArn) === run) this.runs.delete(run.execution.record.executionArn);
    run.abort();
  }

  /** Ends an execution; attempts still open are closed with it (their tokens answer TaskTimedOut). */
  private end(execution: Execution, status: ExecutionStatus, failure?: Failure, output?: string): void {
    const run = this.runs.get(execution.record.executionArn);
    if (run) {
      run.live = false;
      for (const timer of run.timers) timer.cancel();
      this.runs.delete(execution.record.executionArn);
    }
    Object.assign(execution.record, { status, stopDate: Date.now() / 1000 });
    if (output !== undefined) execution.record.output = output;
    if (failure) Object.assign(execution.record, failure);
    for (const attempt of execution.attempts.filter((a) => !a.outcome)) this.release(attempt);
    this.save();
  }

  /** One call of a Task or Wait state's override by the interpreter: replayed, resumed or run. */
  private async step(run: Run, state: string, spec: StepSpec, input: Json): Promise<Json> {
    if (!run.live) throw await taskError(CLOSED);
    if (payloadBytes(input) > PAYLOAD_LIMIT_BYTES) {
      throw await taskError({ error: STATES_DATA_LIMIT_EXCEEDED, cause: `The state '${state}' received an input with a size exceeding the maximum number of bytes service limit.` });
    }
    const attempt = this.attemptFor(run, state, spec, input);
    const outcome = attempt.outcome ?? (await this.outcomeOf(attempt, spec, input));
    if ('output' in outcome) return outcome.output;
    const error = await taskError(outcome);
    this.thrownBy.set(error, attempt);
    throw error;
  }

  /** The recorded attempt for this call, or a new one (with its own token, for a callback task). */
  private attemptFor(run: Run, state: string, spec: StepSpec, input: Json): Attempt {
    const inputHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url').slice(0, 22);
    const key = `${state}\n${inputHash}`;
    const seq = run.seqs.get(key) ?? 0;
    run.seqs.set(key, seq + 1);
    const recorded = run.execution.attempts.find((a) => !a.discarded && a.state === state && a.inputHash === inputHash && a.seq === seq);
    if (recorded) return recorded;
    const now = Date.now();
    const attempt: Attempt = { uid: randomBytes(8).toString('hex'), state, inputHash, seq, startedAt: now };
    if (spec.kind === 'wait') {
      attempt.deadline = wakeTime(input, now);
    } else {
      if (spec.timeoutSeconds) attempt.deadline = now + spec.timeoutSeconds * 1000;
      if (spec.kind === 'callback' && spec.heartbeatSeconds) attempt.heartbeatDeadline = now + spec.heartbeatSeconds * 1000;
    }
    // "Each retry attempt gets a new task token": a token belongs to one attempt and closes with it.
    if (spec.kind === 'callback') {
      attempt.token = mintToken();
      this.tokens.set(attempt.token, { executionArn: run.execution.record.executionArn, attempt });
    }
    run.execution.attempts.push(attempt);
    this.save();
    return attempt;
  }

  /** The outcome to come of an open attempt: joins the one under way, or starts (or resumes) it. */
  private outcomeOf(attempt: Attempt, spec: StepSpec, input: Json): Promise<Outcome> {
    const under = this.pending.get(attempt.uid);
    if (under) return under;
    const outcome = new Promise<Outcome>((resolve) => this.settlers.set(attempt.uid, resolve));
    this.pending.set(attempt.uid, outcome);
    const arm = () => this.armDeadline(attempt, spec, input);
    this.rearm.set(attempt.uid, arm);
    arm();
    this.work(attempt, spec, input);
    return outcome;
  }

  private work(attempt: Attempt, spec: StepSpec, input: Json): void {
    const { invoke } = this.options;
    if (spec.kind === 'wait') return; // its deadline ends it
    if (spec.kind === 'callback') {
      if (attempt.invoked) return; // resumed: the function already holds this token
      const { FunctionName, Payload } = replaceMarker(input, attempt.token!) as { FunctionName: string; Payload: Json };
      this.track(invoke(FunctionName, Payload)).then(
        () => {
          attempt.invoked = true;
          this.save();
        },
        (error) => this.settle(attempt, failureOf(error)),
      );
      return;
    }
    const call = spec.kind === 'invoke' ? invoke((input as { FunctionName: string }).FunctionName, (input as { Payload: Json }).Payload) : invoke(spec.resource, input);
    this.track(call).then(
      (result) => {
        const output = spec.kind === 'invoke' ? { ExecutedVersion: '$LATEST', Payload: (result ?? null) as Json, StatusCode: 200 } : ((result ?? null) as Json);
        if (payloadBytes(output) > PAYLOAD_LIMIT_BYTES) {
          this.settle(attempt, { error: STATES_DATA_LIMIT_EXCEEDED, cause: `The state/task '${spec.resource}' returned a result with a size exceeding the maximum number of bytes service limit.` });
        } else {
          this.settle(attempt, { output });
        }
      },
      (error) => this.settle(attempt, failureOf(error)),
    );
  }

  /** Arms the attempt's next deadline (TimeoutSeconds, heartbeat, or the end of a Wait), chained past Node's timer limit. */
  private armDeadline(attempt: Attempt, spec: StepSpec, input: Json): void {
    this.attemptTimers.get(attempt.uid)?.cancel();
    const next = Math.min(attempt.deadline ?? Infinity, attempt.heartbeatDeadline ?? Infinity);
    if (next === Infinity || this.closed) return;
    this.attemptTimers.set(attempt.uid, atTime(next, () => this.onDeadline(attempt, spec, input), this.options.timerLimitMs ?? NODE_TIMER_LIMIT_MS));
  }

  private onDeadline(attempt: Attempt, spec: StepSpec, input: Json): void {
    const now = Date.now();
    if (spec.kind === 'wait') {
      this.settle(attempt, { output: (input as { input: Json }).input });
    } else if (attempt.heartbeatDeadline !== undefined && attempt.heartbeatDeadline <= now) {
      // "States.HeartbeatTimeout: A Task state failed to send a heartbeat for a period longer than the HeartbeatSeconds value."
      this.settle(attempt, { error: STATES_HEARTBEAT_TIMEOUT, cause: `No heartbeat within HeartbeatSeconds (${spec.heartbeatSeconds}).` });
    } else if (attempt.deadline !== undefined && attempt.deadline <= now) {
      this.settle(attempt, { error: STATES_TIMEOUT, cause: `The task ran longer than TimeoutSeconds (${spec.timeoutSeconds}).` });
    } else {
      this.armDeadline(attempt, spec, input); // a heartbeat moved the deadline
    }
  }

  /** Records an attempt's outcome once (the first of result, SendTask*, timeout wins) and hands it to the interpreter. */
  private settle(attempt: Attempt, outcome: Outcome): void {
    if (attempt.outcome || this.closed) return;
    attempt.outcome = outcome;
    const resolve = this.settlers.get(attempt.uid);
    this.forget(attempt);
    this.save();
    resolve?.(outcome);
  }

  /**
   * Lets go of an open attempt without recording an outcome (its execution ended, or the stand-in
   * stops): the interpreter waiting on it is answered, so it clears its own timers, but the answer
   * is not recorded and a resumed execution still finds the attempt open.
   */
  private release(attempt: Attempt): void {
    const resolve = this.settlers.get(attempt.uid);
    this.forget(attempt);
    resolve?.(CLOSED);
  }

  private forget(attempt: Attempt): void {
    this.attemptTimers.get(attempt.uid)?.cancel();
    this.attemptTimers.delete(attempt.uid);
    this.rearm.delete(attempt.uid);
    this.settlers.delete(attempt.uid);
    this.pending.delete(attempt.uid);
  }

  /**
   * The open attempt a SendTask* token names. AWS answers InvalidToken for a string that is not a
   * token ("Provided task token is malformed"), TaskTimedOut when "the task token has either
   * expired or the task associated with the token has already been closed" (used, timed out,
   * retried, or its execution ended), and TaskDoesNotExist for a token it does not know.
   */
  private openTask(token: string | undefined): { executionArn: string; attempt: Attempt } {
    if (!token) throw new SfnApiError('InvalidToken', 'Invalid Token: the task token is required');
    if (token.length > 2048) throw tooLong('taskToken', 2048);
    if (!isWellFormedToken(token)) throw new SfnApiError('InvalidToken', "Invalid Token: 'Provided task token is malformed'");
    const entry = this.tokens.get(token);
    if (!entry) throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    const { attempt } = entry;
    const running = this.executions.get(entry.executionArn)?.record.status === 'RUNNING';
    const expired = Math.min(attempt.deadline ?? Infinity, attempt.heartbeatDeadline ?? Infinity) <= Date.now();
    if (attempt.outcome || attempt.discarded || !running || expired) {
      throw new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return entry;
  }

  private specOf(executionArn: string, state: string): StepSpec | undefined {
    const arn = this.executions.get(executionArn)?.record.stateMachineArn ?? '';
    return this.machines.get(arn)?.steps.get(state);
  }

  private execution(executionArn: string | undefined): Execution {
    const execution = this.executions.get(executionArn ?? '');
    if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  private notRedrivable(record: ExecutionRecord): string | undefined {
    const reason = NOT_REDRIVABLE[record.status];
    if (reason) return reason;
    if (record.stopDate !== undefined && Date.now() - record.stopDate * 1000 > REDRIVABLE_FOR_MS) return 'Execution redrivable period exceeded';
    return undefined;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    void promise.then(
      () => this.inflight.delete(promise),
      () => this.inflight.delete(promise),
    );
    return promise;
  }

  private load(): void {
    for (const { record, attempts } of loadState(this.options.stateFile)) {
      // Saved before attempts were recorded: nothing to replay from, so end it visibly.
      if (record.status === 'RUNNING' && !attempts) {
        Object.assign(record, { status: 'ABORTED', stopDate: Date.now() / 1000, error: 'LocalCloudRestarted', cause: 'The local cloud stopped while this execution was running.' });
      }
      const execution: Execution = { record, attempts: attempts ?? [] };
      this.executions.set(record.executionArn, execution);
      for (const attempt of execution.attempts) if (attempt.token) this.tokens.set(attempt.token, { executionArn: record.executionArn, attempt });
    }
    this.save();
  }

  private save(): void {
    if (!this.closed) saveState(this.options.stateFile, this.executions.values());
  }
}

/**
 * Before a redrive: attempts cut short (no outcome) run again, and so does the attempt whose
 * failure ended the execution, with the earlier failed attempts of the same state and input, so
 * its Retry starts afresh. Failures that were caught stay, so the replay takes the same path.
 */
function discardForRedrive(attempts: Attempt[]): void {
  const fatal = attempts.filter((a) => a.fatal && !a.discarded);
  for (const attempt of attempts) {
    if (attempt.discarded) continue;
    const failedLikeFatal = !!attempt.outcome && 'error' in attempt.outcome && fatal.some((f) => f.state === attempt.state && f.inputHash === attempt.inputHash);
    if (!attempt.outcome || failedLikeFatal) attempt.discarded = true;
  }
}

/** When a Wait (run as a recorded timer, see runnableCopy) ends: Seconds(Path) from now, or Timestamp(Path). */
function wakeTime(input: Json, now: number): number {
  const { seconds, timestamp } = input as { seconds?: number; timestamp?: string };
  if (typeof seconds === 'number') return now + seconds * 1000;
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  return Number.isNaN(at) ? now : at;
}

function replaceMarker(value: Json, token: string): Json {
  if (value === TOKEN_MARKER) return token;
  if (Array.isArray(value)) return value.map((v) => replaceMarker(v, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceMarker(v, token)]));
  }
  return value;
}
