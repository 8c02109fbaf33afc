/**
 * What a load run did to the AI provider, read from the fal stand-in's request log
 * (one NDJSON line per finished request: submit and end times, kind, order, status)
 * and from the local Step Functions' recorded attempts (the ProviderBusy refusals).
 * Pure: no files, no clocks; `main.ts` reads and prints.
 */

/** The provider's global limits the run is judged against (PROVIDER_LIMITS in functions/generation/provider-limits.ts). */
export interface ProviderTargets {
  /** Requests in flight at once, at most. */
  readonly inFlight: number;
  /** Requests started in one calendar second, at most. */
  readonly perSecond: number;
  /** Share of the per-second budget to use in seconds where work waits for a slot, at least (0..1). */
  readonly budgetShare: number;
}

/** One line of `requests.ndjson` (infra/local/fal/store.ts, RequestLogLine). */
export interface RequestLine {
  /** Epoch ms of the submit. */
  readonly start: number;
  /** Epoch ms the request finished. */
  readonly end: number;
  readonly kind: string;
  readonly orderId: string | null;
  readonly requestId: string;
  readonly endpoint: string;
  readonly status: string;
  readonly webhook: string;
}

/** Epoch ms, both ends included. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** Parses the NDJSON log; blank lines are skipped, lines that are not a request are counted. */
export function parseRequestLog(text: string): { lines: RequestLine[]; malformed: number } {
  const lines: RequestLine[] = [];
  let malformed = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const line = JSON.parse(raw) as Partial<RequestLine>;
      if (typeof line.start === 'number' && typeof line.end === 'number' && typeof line.kind === 'string') {
        lines.push({
          start: line.start,
          end: line.end,
          kind: line.kind,
          orderId: line.orderId ?? null,
          requestId: String(line.requestId ?? ''),
          endpoint: String(line.endpoint ?? ''),
          status: String(line.status ?? ''),
          webhook: String(line.webhook ?? ''),
        });
      } else {
        malformed++;
      }
    } catch {
      malformed++;
    }
  }
  return { lines, malformed };
}

/** The parts of a request the stand-in keeps (`<dataDir>/fal/requests/<id>.json`) read here. */
export interface RequestRecordLike {
  readonly requestId: string;
  readonly kind: string;
  readonly endpoint?: string;
  readonly orderId?: string | null;
  readonly status: string;
  /** Epoch ms. */
  readonly submittedAt: number;
  readonly completedAt?: number;
}

/** The status given to a request still at the provider when the run ended. */
export const RUNNING = 'RUNNING';

/**
 * Requests the stand-in had not finished when the run ended: they have no log line yet
 * (it is written when a request ends), but they were in flight. Each becomes a line that
 * runs to `until`, with the status RUNNING. Requests the log has already are left out.
 */
export function unfinishedLines(records: readonly RequestRecordLike[], logged: readonly RequestLine[], until: number): RequestLine[] {
  const seen = new Set(logged.map((l) => l.requestId));
  return records
    .filter((r) => r.completedAt === undefined && r.status !== 'COMPLETED' && !seen.has(r.requestId) && typeof r.submittedAt === 'number')
    .map((r) => ({
      start: r.submittedAt,
      end: Math.max(r.submittedAt, until),
      kind: r.kind,
      orderId: r.orderId ?? null,
      requestId: r.requestId,
      endpoint: r.endpoint ?? '',
      status: RUNNING,
      webhook: 'none',
    }));
}

/** The run's own lines: one of its orders, submitted inside its window. The rest are counted (other work on the same cloud). */
export function selectLines(lines: readonly RequestLine[], orderIds: ReadonlySet<string>, window: TimeWindow): { own: RequestLine[]; others: number } {
  const own: RequestLine[] = [];
  let others = 0;
  for (const line of lines) {
    const inWindow = line.start >= window.from && line.start <= window.to;
    if (inWindow && line.orderId !== null && orderIds.has(line.orderId)) own.push(line);
    else if (inWindow) others++;
  }
  return { own, others };
}

/** The calendar second (epoch seconds) of an epoch-ms instant. */
export const secondOf = (ms: number): number => Math.floor(ms / 1000);

interface Level {
  /** Epoch ms the level starts. */
  readonly at: number;
  readonly level: number;
}

/**
 * In flight over time, by a sweep over start and end events. A request is in flight
 * over [start, end): one that ends when another starts does not overlap it (ends are
 * taken before starts at the same instant). A request with end = start counts for
 * that instant. Answers the levels after each instant, in time order.
 */
function sweep(lines: readonly RequestLine[]): Level[] {
  // 0: end of a request that lasted; 1: start; 2: end of a request that did not (after its own start).
  const events: [number, 0 | 1 | 2][] = [];
  for (const line of lines) {
    const end = Math.max(line.start, line.end);
    events.push([line.start, 1], [end, end > line.start ? 0 : 2]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const levels: Level[] = [];
  let level = 0;
  for (let i = 0; i < events.length; ) {
    const at = events[i]![0];
    let peakHere = -Infinity;
    for (; i < events.length && events[i]![0] === at; i++) {
      level += events[i]![1] === 1 ? 1 : -1;
      if (events[i]![1] === 1) peakHere = Math.max(peakHere, level);
    }
    // A request that starts and ends at this instant was in flight for it: keep the peak as a level of no length.
    if (peakHere > level) levels.push({ at, level: peakHere });
    levels.push({ at, level });
  }
  return levels;
}

/** The most requests in flight at any moment, and when it was first reached. */
export function peakInFlight(lines: readonly RequestLine[]): { peak: number; at?: number } {
  let peak = 0;
  let at: number | undefined;
  for (const point of sweep(lines)) {
    if (point.level > peak) {
      peak = point.level;
      at = point.at;
    }
  }
  return at === undefined ? { peak } : { peak, at };
}

/** The most requests in flight at any moment of each calendar second (seconds with none in flight are absent). */
export function inFlightBySecond(lines: readonly RequestLine[]): Map<number, number> {
  const levels = sweep(lines);
  const out = new Map<number, number>();
  const raise = (second: number, level: number) => {
    if (level > (out.get(second) ?? 0)) out.set(second, level);
  };
  for (let i = 0; i < levels.length; i++) {
    const { at, level } = levels[i]!;
    if (level <= 0) continue;
    const next = levels[i + 1]?.at ?? at;
    // The level holds over [at, next): every second it touches.
    const last = next > at ? secondOf(next - 1) : secondOf(at);
    for (let s = secondOf(at); s <= last; s++) raise(s, level);
  }
  return out;
}

/** Requests started in each calendar second. */
export function startsBySecond(lines: readonly RequestLine[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of lines) out.set(secondOf(line.start), (out.get(secondOf(line.start)) ?? 0) + 1);
  return out;
}

/** The second with the most starts (the earliest of equals). */
export function busiestSecond(starts: ReadonlyMap<number, number>): { second?: number; starts: number } {
  let best: { second?: number; starts: number } = { starts: 0 };
  for (const [second, count] of starts) {
    if (count > best.starts || (count === best.starts && best.second !== undefined && second < best.second)) best = { second, starts: count };
  }
  return best;
}

// ── waiting for a slot: the ProviderBusy refusals the state machine retried ─────────────────────────

/** Why a step got no slot (the message of ProviderBusy, from ProviderLimits' refusal). */
export type RefusalReason = 'NO_SLOT' | 'RATE_LIMITED' | 'UNKNOWN';

/** One ProviderBusy refusal. */
export interface Refusal {
  readonly at: number;
  readonly reason: RefusalReason;
}

/** A step waiting for a slot: from its refused attempt to its next attempt (or the end of its execution, or of the window). */
export interface Wait {
  readonly from: number;
  readonly to: number;
  readonly reason: RefusalReason;
  readonly orderId: string;
  readonly state: string;
}

/** The parts of the local Step Functions' state file (`<dataDir>/stepfunctions/executions.json`, version 2) read here. */
export interface ExecutionLike {
  readonly executionArn: string;
  readonly name?: string;
  /** The execution's input, a JSON string; the generation pipeline's is `{"orderId": …}`. */
  readonly input?: string;
  /** Epoch seconds. */
  readonly stopDate?: number;
  readonly attempts?: readonly AttemptLike[];
}

export interface AttemptLike {
  readonly state: string;
  readonly inputHash: string;
  readonly seq: number;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly outcome?: { readonly error?: string; readonly cause?: string } | { readonly output?: unknown };
  readonly discarded?: boolean;
}

/** The executions of the state file (either of its formats). */
export function parseExecutions(text: string): ExecutionLike[] {
  const saved = JSON.parse(text) as { executions?: ExecutionLike[] } | ExecutionLike[];
  return Array.isArray(saved) ? saved : (saved.executions ?? []);
}

export function refusalReason(cause: string | undefined): RefusalReason {
  if (!cause) return 'UNKNOWN';
  if (/NO_SLOT|slot is taken|slots are taken/i.test(cause)) return 'NO_SLOT';
  if (/RATE_LIMITED|starts are used up/i.test(cause)) return 'RATE_LIMITED';
  return 'UNKNOWN';
}

function orderOf(execution: ExecutionLike): string | undefined {
  try {
    const input = JSON.parse(execution.input ?? 'null') as { orderId?: unknown } | null;
    if (typeof input?.orderId === 'string') return input.orderId;
  } catch {
    // not JSON: fall back to the name
  }
  return /^(.+)-production$/.exec(execution.name ?? '')?.[1];
}

/**
 * The ProviderBusy refusals of the run's orders and how long each step then waited:
 * an attempt that failed with ProviderBusy waits until the next attempt of the same
 * state and input (the state machine's Retry, after its jittered backoff), or until
 * its execution stopped, or until `until` when it is still waiting.
 */
export function waitsFromExecutions(executions: readonly ExecutionLike[], orderIds: ReadonlySet<string>, until: number): { waits: Wait[]; refusals: Refusal[] } {
  const waits: Wait[] = [];
  const refusals: Refusal[] = [];
  for (const execution of executions) {
    const orderId = orderOf(execution);
    if (!orderId || !orderIds.has(orderId)) continue;
    const attempts = (execution.attempts ?? []).filter((a) => !a.discarded);
    const bySteps = new Map<string, AttemptLike[]>();
    for (const attempt of attempts) {
      const key = `${attempt.state}\n${attempt.inputHash}`;
      bySteps.set(key, [...(bySteps.get(key) ?? []), attempt]);
    }
    const stoppedAt = execution.stopDate !== undefined ? execution.stopDate * 1000 : until;
    for (const steps of bySteps.values()) {
      steps.sort((a, b) => a.seq - b.seq);
      steps.forEach((attempt, i) => {
        const outcome = attempt.outcome as { error?: string; cause?: string } | undefined;
        if (outcome?.error !== 'ProviderBusy') return;
        const reason = refusalReason(outcome.cause);
        refusals.push({ at: attempt.startedAt, reason });
        const next = steps[i + 1]?.startedAt ?? Math.min(stoppedAt, until);
        waits.push({ from: attempt.startedAt, to: Math.max(attempt.startedAt, next), reason, orderId, state: attempt.state });
      });
    }
  }
  refusals.sort((a, b) => a.at - b.at);
  waits.sort((a, b) => a.from - b.from);
  return { waits, refusals };
}

/** The calendar seconds a wait touches: [from, to) half-open, so a retry at a second's first millisecond waited only before it. */
export function secondsOfWait(wait: Pick<Wait, 'from' | 'to'>): number[] {
  const first = secondOf(wait.from);
  const last = wait.to > wait.from ? secondOf(wait.to - 1) : first;
  const out: number[] = [];
  for (let s = first; s <= last; s++) out.push(s);
  return out;
}

/** One second in which work waited for a slot. */
export interface SaturatedSecond {
  readonly second: number;
  readonly starts: number;
  /** starts / perSecond, at most 1. */
  readonly share: number;
  /** The most provider requests in flight during the second (from the log). */
  readonly inFlight: number;
  /** Why the last refusal at or before the end of this second gave no slot: all slots taken, or this second's starts used up. */
  readonly bound: 'slots' | 'rate' | 'unknown';
}

export interface BudgetUse {
  /** How the saturated seconds were found. */
  readonly method: 'refusals' | 'caps';
  readonly seconds: readonly SaturatedSecond[];
  /** Mean share over every saturated second (the target's figure); undefined when there are none. */
  readonly share?: number;
  readonly rateBound: { readonly seconds: number; readonly share?: number };
  readonly slotBound: { readonly seconds: number; readonly share?: number; readonly meanInFlight?: number };
}

const mean = (values: readonly number[]): number | undefined => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined);

function budgetOver(
  method: BudgetUse['method'],
  seconds: Iterable<number>,
  starts: ReadonlyMap<number, number>,
  inFlight: ReadonlyMap<number, number>,
  boundOf: (second: number) => SaturatedSecond['bound'],
  targets: Pick<ProviderTargets, 'perSecond'>,
): BudgetUse {
  const rows: SaturatedSecond[] = [...new Set(seconds)]
    .sort((a, b) => a - b)
    .map((second) => {
      const count = starts.get(second) ?? 0;
      return { second, starts: count, share: Math.min(1, count / targets.perSecond), inFlight: inFlight.get(second) ?? 0, bound: boundOf(second) };
    });
  const rate = rows.filter((r) => r.bound !== 'slots');
  const slots = rows.filter((r) => r.bound === 'slots');
  return {
    method,
    seconds: rows,
    share: mean(rows.map((r) => r.share)),
    rateBound: { seconds: rate.length, share: mean(rate.map((r) => r.share)) },
    slotBound: { seconds: slots.length, share: mean(slots.map((r) => r.share)), meanInFlight: mean(slots.map((r) => r.inFlight)) },
  };
}

/**
 * The share of the per-second budget used while work waited: every calendar second
 * (inside the window) in which at least one of the run's steps was waiting after a
 * ProviderBusy refusal, its starts / perSecond (at most 1), averaged. Each second is
 * also marked by why the latest refusal at or before its end found no slot: every slot
 * taken (the in-flight cap binds, so starts can only follow completions) or the
 * second's starts used up (the rate binds).
 */
export function budgetUnderRefusals(
  waits: readonly Wait[],
  refusals: readonly Refusal[],
  starts: ReadonlyMap<number, number>,
  inFlight: ReadonlyMap<number, number>,
  window: TimeWindow,
  targets: Pick<ProviderTargets, 'perSecond'>,
): BudgetUse {
  const first = secondOf(window.from);
  const last = secondOf(window.to);
  const seconds = waits.flatMap((w) => secondsOfWait(w)).filter((s) => s >= first && s <= last);
  const boundOf = (second: number): SaturatedSecond['bound'] => {
    const before = (second + 1) * 1000;
    let latest: Refusal | undefined;
    for (const refusal of refusals) {
      if (refusal.at >= before) break;
      latest = refusal;
    }
    return latest?.reason === 'NO_SLOT' ? 'slots' : latest?.reason === 'RATE_LIMITED' ? 'rate' : 'unknown';
  };
  return budgetOver('refusals', seconds, starts, inFlight, boundOf, targets);
}

/**
 * The fallback when the state machine's attempts cannot be read: saturated seconds are
 * those in which the log shows the in-flight cap reached or the second's starts used up.
 */
export function budgetAtCaps(starts: ReadonlyMap<number, number>, inFlight: ReadonlyMap<number, number>, targets: Pick<ProviderTargets, 'perSecond' | 'inFlight'>): BudgetUse {
  const atSlots = [...inFlight].filter(([, level]) => level >= targets.inFlight).map(([s]) => s);
  const atRate = [...starts].filter(([, count]) => count >= targets.perSecond).map(([s]) => s);
  const slotSet = new Set(atSlots);
  const rateSet = new Set(atRate);
  return budgetOver('caps', [...atSlots, ...atRate], starts, inFlight, (s) => (rateSet.has(s) ? 'rate' : slotSet.has(s) ? 'slots' : 'unknown'), targets);
}

// ── the whole analysis ──────────────────────────────────────────────────────────────────────

export interface LoadAnalysis {
  readonly window: TimeWindow;
  readonly requests: number;
  /** Of those, requests still at the provider when the run ended (counted in flight to its end). */
  readonly running: number;
  /** Lines in the window that belong to other orders (not counted). */
  readonly otherRequests: number;
  readonly byKind: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly webhooksDropped: number;
  readonly peakInFlight: { readonly peak: number; readonly at?: number };
  readonly busiestSecond: { readonly second?: number; readonly starts: number };
  /** Mean time from submit to end, ms. */
  readonly meanRequestMs?: number;
  /** Starts a second the in-flight cap allows at the mean request time (Little's law), at most perSecond. */
  readonly ceilingPerSecond?: number;
  readonly budget: BudgetUse;
  /** Refusals of the run's steps, by reason. */
  readonly refusals: Readonly<Record<RefusalReason, number>>;
  readonly targets: ProviderTargets;
  readonly verdict: {
    readonly inFlight: boolean;
    readonly perSecond: boolean;
    /** undefined: no second was saturated, so the target was not exercised. */
    readonly budget?: boolean;
    /** The hard targets (in flight, per second) held. */
    readonly hard: boolean;
  };
}

export interface AnalysisInput {
  /** The log's lines, and any {@link unfinishedLines}. */
  readonly lines: readonly RequestLine[];
  readonly orderIds: ReadonlySet<string>;
  readonly window: TimeWindow;
  /** The state file's executions; undefined when it could not be read (saturation then comes from the caps). */
  readonly executions?: readonly ExecutionLike[];
  readonly targets: ProviderTargets;
}

export function analyse(input: AnalysisInput): LoadAnalysis {
  const { targets, window } = input;
  const { own, others } = selectLines(input.lines, input.orderIds, window);
  const starts = startsBySecond(own);
  const inFlight = inFlightBySecond(own);
  const peak = peakInFlight(own);
  const busiest = busiestSecond(starts);

  const byKind: Record<string, Record<string, number>> = {};
  for (const line of own) {
    const kind = (byKind[line.kind] ??= {});
    kind[line.status] = (kind[line.status] ?? 0) + 1;
  }
  // Requests still running have no end yet: the mean is over finished ones.
  const meanRequestMs = mean(own.filter((l) => l.status !== RUNNING).map((l) => Math.max(0, l.end - l.start)));
  const ceilingPerSecond = meanRequestMs === undefined ? undefined : Math.min(targets.perSecond, meanRequestMs > 0 ? targets.inFlight / (meanRequestMs / 1000) : targets.perSecond);

  let budget: BudgetUse;
  const refusalCounts: Record<RefusalReason, number> = { NO_SLOT: 0, RATE_LIMITED: 0, UNKNOWN: 0 };
  if (input.executions) {
    const { waits, refusals } = waitsFromExecutions(input.executions, input.orderIds, window.to);
    const inside = refusals.filter((r) => r.at >= window.from && r.at <= window.to);
    for (const r of inside) refusalCounts[r.reason]++;
    budget = budgetUnderRefusals(waits, refusals, starts, inFlight, window, targets);
  } else {
    budget = budgetAtCaps(starts, inFlight, targets);
  }

  const inFlightOk = peak.peak <= targets.inFlight;
  const perSecondOk = busiest.starts <= targets.perSecond;
  return {
    window,
    requests: own.length,
    running: own.filter((l) => l.status === RUNNING).length,
    otherRequests: others,
    byKind,
    webhooksDropped: own.filter((l) => l.webhook === 'dropped').length,
    peakInFlight: peak,
    busiestSecond: busiest,
    meanRequestMs,
    ceilingPerSecond,
    budget,
    refusals: refusalCounts,
    targets,
    verdict: {
      inFlight: inFlightOk,
      perSecond: perSecondOk,
      budget: budget.share === undefined ? undefined : budget.share >= targets.budgetShare,
      hard: inFlightOk && perSecondOk,
    },
  };
}
