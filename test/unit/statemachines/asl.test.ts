import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FUNCTIONS, STATE_MACHINES } from '../../../infra/catalogue';

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'statemachines');

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly MaxConcurrency?: number;
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[] }[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly Next?: string;
  readonly ItemProcessor?: StateGraph;
  readonly Iterator?: StateGraph;
  readonly Branches?: readonly StateGraph[];
}
interface StateGraph {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

const catchesAll = (state: State) => (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL'));

/**
 * Every state of a definition, nested Map and Parallel states included, by name,
 * with whether an enclosing Map or Parallel state catches every error its
 * iterations or branches raise.
 */
function allStates(graph: StateGraph, caughtByParent = false): [string, State, boolean][] {
  return Object.entries(graph.States).flatMap(([name, state]): [string, State, boolean][] => [
    [name, state, caughtByParent],
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]
      .filter((g): g is StateGraph => g !== undefined)
      .flatMap((g) => allStates(g, caughtByParent || catchesAll(state))),
  ]);
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.asl.json'));

/** Pipelines that fan out in a Map (the delivery pipeline is a straight line). */
const FANS_OUT = new Set(['order-pipeline.asl.json', 'generation-pipeline.asl.json']);

/**
 * Tasks that run after the order has ended well and so must not fail it: their
 * error fails the execution at the Task itself, where RedriveExecution runs it again.
 */
const REDRIVE_HERE: Readonly<Record<string, readonly string[]>> = { 'delivery-pipeline.asl.json': ['NotifyDelivered'] };
const definitions = files.map((file) => {
  const text = readFileSync(join(DIR, file), 'utf8');
  const graph = JSON.parse(text) as StateGraph;
  return { file, path: relative(ROOT, join(DIR, file)), text, graph, states: allStates(graph) };
});

type Entry = [string, State, boolean];
const tasks = (states: Entry[]) => states.filter(([, s]) => s.Type === 'Task');
/** States that catchers lead to: the failure handlers, which must not catch into themselves. */
const names = (entries: Entry[]) => entries.map(([name]) => name);
const catchTargets = (states: Entry[]) => new Set(states.flatMap(([, s]) => (s.Catch ?? []).map((c) => c.Next)));
/** The failure handlers: where a catch-all (`States.ALL`) goes, as opposed to a catcher of one named error (a wait's timeout into a poll). */
const failureHandlers = (states: Entry[]) =>
  new Set(states.flatMap(([, s]) => (s.Catch ?? []).filter((c) => c.ErrorEquals.includes('States.ALL')).map((c) => c.Next)));

describe('State machines', () => {
  it('has at least one definition to check', () => {
    // Assess
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(definitions)('Definition: $file', ({ file, path, text, graph, states }) => {
    it('is listed in the catalogue', () => {
      // Assess
      expect(STATE_MACHINES.map((m) => m.definitionFile)).toContain(path);
    });

    it('starts at a state that exists', () => {
      // Assess
      expect(Object.keys(graph.States)).toContain(graph.StartAt);
    });

    it('bounds every Map with a MaxConcurrency between 1 and 40 (inline Map limit)', () => {
      // Prepare
      const maps = states.filter(([, s]) => s.Type === 'Map');

      // Act
      const offenders = maps.filter(([, s]) => !(Number.isInteger(s.MaxConcurrency) && s.MaxConcurrency! >= 1 && s.MaxConcurrency! <= 40));

      // Assess
      expect(maps.length > 0).toBe(FANS_OUT.has(file));
      expect(names(offenders)).toEqual([]);
    });

    it('gives every Task a TimeoutSeconds', () => {
      // Act
      const offenders = tasks(states).filter(([, s]) => !(typeof s.TimeoutSeconds === 'number' && s.TimeoutSeconds > 0));

      // Assess
      expect(names(offenders)).toEqual([]);
    });

    it('gives every Task a Retry', () => {
      // Act
      const offenders = tasks(states).filter(([, s]) => !s.Retry?.length);

      // Assess
      expect(names(offenders)).toEqual([]);
    });

    it('gives every waitForTaskToken Task a TimeoutSeconds, so a forgotten order expires', () => {
      // Prepare
      const waits = tasks(states).filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));

      // Act
      const offenders = waits.filter(([, s]) => typeof s.TimeoutSeconds !== 'number');

      // Assess
      expect(waits.length).toBeGreaterThan(0);
      expect(names(offenders)).toEqual([]);
    });

    it('does not retry a waitForTaskToken Task on its own timeout (that would restart the wait)', () => {
      // Prepare
      const waits = tasks(states).filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));

      // Act
      const offenders = waits.filter(([, s]) =>
        (s.Retry ?? []).some((r) => r.ErrorEquals.includes('States.Timeout') || r.ErrorEquals.includes('States.ALL')),
      );

      // Assess
      expect(names(offenders)).toEqual([]);
    });

    it('catches every error of every Task except the failure handler (directly or through its Map)', () => {
      // Prepare: an error in a Map iteration fails the Map, so the Map's catcher covers the Tasks inside it.
      const handlers = catchTargets(states);

      // Act
      const offenders = tasks(states).filter(([name, s, caughtByParent]) => !handlers.has(name) && !caughtByParent && !catchesAll(s) && !(REDRIVE_HERE[file] ?? []).includes(name));

      // Assess
      expect(names(offenders)).toEqual([]);
    });

    it('catches errors into states that exist and lead to a Task', () => {
      // Prepare: a catch may go through Pass states (which name the error) before a Task handles it.
      const byName = new Map(states.map(([name, state]) => [name, state]));
      const reachesTask = (name: string, seen = new Set<string>()): boolean => {
        const state = byName.get(name);
        if (!state || seen.has(name)) return false;
        if (state.Type === 'Task') return true;
        return state.Type === 'Pass' && typeof state.Next === 'string' && reachesTask(state.Next, seen.add(name));
      };

      // Act
      const offenders = [...catchTargets(states)].filter((target) => !reachesTask(target));

      // Assess
      expect(catchTargets(states).size).toBeGreaterThan(0);
      expect(offenders).toEqual([]);
    });

    it('does not let the failure handler catch into itself', () => {
      // Prepare
      const handlers = failureHandlers(states);

      // Act
      const offenders = tasks(states).filter(([name, s]) => handlers.has(name) && (s.Catch ?? []).length > 0);

      // Assess
      expect(names(offenders)).toEqual([]);
    });

    it('uses exactly the placeholders the catalogue substitutes, and no others', () => {
      // Prepare
      const spec = STATE_MACHINES.find((m) => m.definitionFile === path);
      const placeholders = new Set([...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]));

      // Assess
      expect([...placeholders].sort()).toEqual(Object.keys(spec?.functionArns ?? {}).sort());
    });
  });

  describe.each(STATE_MACHINES.map((spec) => ({ spec })))('Catalogue entry: $spec.id', ({ spec }) => {
    it('points at a definition file that exists', () => {
      // Assess
      expect(definitions.map((d) => d.path)).toContain(spec.definitionFile);
    });

    it('substitutes only functions that exist in FUNCTIONS', () => {
      // Prepare
      const ids = FUNCTIONS.map((f) => f.id);

      // Assess
      expect(ids).toEqual(expect.arrayContaining(Object.values(spec.functionArns)));
    });

    it('substitutes only pipeline functions', () => {
      // Prepare
      const capabilities = Object.values(spec.functionArns).map((id) => FUNCTIONS.find((f) => f.id === id)?.capability);

      // Assess
      expect(new Set(capabilities)).toEqual(new Set(['pipeline']));
    });

    it('ends business outcomes (rejected, expired) in a Succeed state and anything else in a Fail state', () => {
      // Prepare: the states reachable after the failure handler.
      type Choice = { Type: string; Choices?: { Or?: { StringEquals: string }[]; StringEquals?: string; Next: string }[]; Default?: string; Next?: string };
      const states = JSON.parse(readFileSync(join(ROOT, spec.definitionFile), 'utf8')).States as Record<string, Choice>;
      const afterHandler = Object.values(states).find((s) => s.Type === 'Choice' && (s.Choices ?? []).some((c) => c.Or));
      if (spec.id !== 'OrderPipeline') return; // only the order pipeline has business outcomes so far
      if (!afterHandler) throw new Error('OrderPipeline has no Choice after its failure handler');

      // Assess
      const outcomes = (afterHandler.Choices ?? []).flatMap((c) => (c.Or ?? []).map((o) => [o.StringEquals, states[c.Next].Type]));
      expect(outcomes).toEqual([
        ['REJECTED', 'Succeed'],
        ['EXPIRED', 'Succeed'],
      ]);
      expect(states[afterHandler.Default!].Type).toBe('Fail');
    });

    it('lets an execution outlive its longest Task timeout', () => {
      // Prepare
      const definition = definitions.find((d) => d.path === spec.definitionFile)!;
      const longest = Math.max(...tasks(definition.states).map(([, s]) => s.TimeoutSeconds ?? 0));

      // Assess
      expect(spec.timeoutSeconds).toBeGreaterThan(longest);
    });
  });
});
