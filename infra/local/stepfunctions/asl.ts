/**
 * The ASL this stand-in runs: which features it refuses (rather than silently ignore), what each
 * Task and Wait state needs from it, and the copy of a definition handed to aws-local-stepfunctions.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type AslState = { Type: string; Resource?: string; TimeoutSeconds?: number; HeartbeatSeconds?: number; [key: string]: unknown };
export type AslDefinition = { StartAt: string; States: Record<string, AslState>; TimeoutSeconds?: number; [key: string]: unknown };

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** What the stand-in does for one Task or Wait state (the interpreter only sees an override by state name). */
export type StepSpec =
  | { kind: 'invoke' | 'callback' | 'function'; resource: string; timeoutSeconds?: number; heartbeatSeconds?: number }
  | { kind: 'wait' };

/**
 * Longest TimeoutSeconds the interpreter's own Task timer can hold without overflowing Node's
 * timer (it multiplies by 1000 and calls setTimeout once). The stand-in enforces the real
 * TimeoutSeconds / HeartbeatSeconds itself and restarts the interpreter (replaying) well before
 * this runs out, so the interpreter's timer never decides anything.
 */
export const INTERPRETER_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Resource the interpreter sees for a Wait state turned into a recorded timer. */
const WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:LocalStepFunctionsWait';

/** Every state of a definition, with nested Map and Parallel states, and where it sits. */
export function* allStates(definition: { States: Record<string, AslState> }, path = ''): Generator<[string, AslState, string]> {
  for (const [name, state] of Object.entries(definition.States)) {
    const where = path ? `${path} > ${name}` : name;
    yield [name, state, where];
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) yield* allStates(processor, where);
    for (const [i, branch] of ((state.Branches as AslDefinition[] | undefined) ?? []).entries()) yield* allStates(branch, `${where} > branch ${i}`);
  }
}

/** All Task states of a definition, including those inside Map and Parallel states. */
export function* taskStates(definition: { States: Record<string, AslState> }): Generator<[string, AslState]> {
  for (const [name, state] of allStates(definition)) if (state.Type === 'Task') yield [name, state];
}

/** Fields of a Distributed Map (ItemReader, ResultWriter, …) the interpreter ignores. */
const DISTRIBUTED_MAP_FIELDS = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Label'];
/** JSONata-only fields (Arguments, Output, Items) and variables (Assign), which aws-local-stepfunctions 3.x does not implement. */
const JSONATA_FIELDS = ['Arguments', 'Output', 'Items'];
/** Task fields the stand-in cannot honour. */
const UNSUPPORTED_TASK_FIELDS = ['Credentials', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'];

/**
 * Refuses, naming the state and the feature, what aws-local-stepfunctions 3.x would not run
 * faithfully: JSONata (QueryLanguage, Arguments, Output, Items), variables (Assign), Distributed
 * Map and its fields, task credentials, timeout and heartbeat paths, and Task resources other than
 * Lambda (`lambda:invoke`, `lambda:invoke.waitForTaskToken`, a function ARN). Also refuses two
 * Task or Wait states of one name, since the interpreter's overrides are keyed by name.
 */
export function assertSupported(machineName: string, definition: AslDefinition): void {
  const refuse = (where: string, feature: string) => {
    throw new Error(`State machine ${machineName}${where ? `, state "${where}"` : ''}: ${feature} is not supported by the local Step Functions (aws-local-stepfunctions 3.x)`);
  };
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') refuse('', `QueryLanguage ${String(definition.QueryLanguage)}`);
  const stepNames = new Set<string>();
  for (const [name, state, where] of allStates(definition)) {
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') refuse(where, `QueryLanguage ${String(state.QueryLanguage)}`);
    if (state.Assign !== undefined) refuse(where, 'Assign (workflow variables)');
    for (const field of JSONATA_FIELDS) if (state[field] !== undefined) refuse(where, `${field} (a JSONata field)`);
    if (state.Type === 'Map') assertInlineMap(state, where, refuse);
    if (state.Type === 'Task') {
      for (const field of UNSUPPORTED_TASK_FIELDS) if (state[field] !== undefined) refuse(where, field);
      if (!stepKindOf(state.Resource ?? '')) refuse(where, `Resource ${state.Resource}`);
    }
    if (state.Type === 'Task' || state.Type === 'Wait') {
      if (stepNames.has(name)) throw new Error(`State machine ${machineName}: Task or Wait state name "${name}" is used twice`);
      stepNames.add(name);
    }
  }
}

function assertInlineMap(state: AslState, where: string, refuse: (where: string, feature: string) => never): void {
  const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined;
  const mode = processor?.ProcessorConfig?.Mode;
  if (mode !== undefined && mode !== 'INLINE') refuse(where, `Map ProcessorConfig.Mode ${mode} (Distributed Map)`);
  for (const field of DISTRIBUTED_MAP_FIELDS) if (state[field] !== undefined) refuse(where, `Map ${field} (Distributed Map)`);
}

function stepKindOf(resource: string): 'invoke' | 'callback' | 'function' | undefined {
  if (resource === LAMBDA_INVOKE) return 'invoke';
  if (resource === LAMBDA_INVOKE_WAIT) return 'callback';
  if (/^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+$/.test(resource)) return 'function';
  return undefined;
}

/** What the stand-in does for each Task and Wait state, by name. */
export function stepSpecs(definition: AslDefinition): Map<string, StepSpec> {
  const specs = new Map<string, StepSpec>();
  for (const [name, state] of allStates(definition)) {
    if (state.Type === 'Wait') specs.set(name, { kind: 'wait' });
    if (state.Type !== 'Task') continue;
    const resource = state.Resource ?? '';
    // No TimeoutSeconds, no timeout but the execution's: "If … the TimeoutSeconds field isn't specified for an
    // Activity or Task state, an execution is stuck waiting for a response" (developer guide, sfn-stuck-execution).
    // aws-local-stepfunctions would invent 60 s (the ASL spec's default).
    specs.set(name, { kind: stepKindOf(resource)!, resource, timeoutSeconds: state.TimeoutSeconds, heartbeatSeconds: state.HeartbeatSeconds });
  }
  return specs;
}

/**
 * The copy the interpreter runs: the stand-in keeps the clocks. Each Task's timeout is pushed out
 * of reach (see INTERPRETER_TASK_TIMEOUT_SECONDS), the execution's TimeoutSeconds is dropped (the
 * stand-in times the execution out), and each Wait becomes a Task whose override is a recorded
 * timer, so a wait survives a restart and may exceed 24.8 days. A JSON copy, not structuredClone:
 * the interpreter only expands Parameters objects whose prototype is its own realm's
 * Object.prototype, which structuredClone's objects lack inside a VM context (Jest).
 */
export function runnableCopy(definition: AslDefinition): AslDefinition {
  const copy = JSON.parse(JSON.stringify(definition)) as AslDefinition;
  delete copy.TimeoutSeconds;
  rewriteStates(copy);
  return copy;
}

function rewriteStates(definition: { States: Record<string, AslState> }): void {
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') {
      state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
      delete state.HeartbeatSeconds;
    }
    if (state.Type === 'Wait') definition.States[name] = waitAsTask(state);
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) rewriteStates(processor);
    for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) rewriteStates(branch);
  }
}

/** A Wait as a Task: same InputPath, OutputPath and transition; the override returns its input after the wait. */
function waitAsTask(state: AslState): AslState {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _type, ...rest } = state;
  const when: Record<string, unknown> = {};
  if (Seconds !== undefined) when.seconds = Seconds;
  if (SecondsPath !== undefined) when['seconds.$'] = SecondsPath;
  if (Timestamp !== undefined) when.timestamp = Timestamp;
  if (TimestampPath !== undefined) when['timestamp.$'] = TimestampPath;
  return { ...rest, Type: 'Task', Resource: WAIT_RESOURCE, TimeoutSeconds: INTERPRETER_TASK_TIMEOUT_SECONDS, Parameters: { 'input.$': '$', ...when } };
}
