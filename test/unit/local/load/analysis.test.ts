import {
  analyse,
  budgetAtCaps,
  budgetUnderRefusals,
  busiestSecond,
  type ExecutionLike,
  inFlightBySecond,
  parseExecutions,
  parseRequestLog,
  peakInFlight,
  type RequestLine,
  refusalReason,
  secondsOfWait,
  selectLines,
  startsBySecond,
  unfinishedLines,
  waitsFromExecutions,
} from '../../../../infra/local/load/analysis';

const T0 = 1_700_000_000_000; // a whole second
const TARGETS = { inFlight: 60, perSecond: 30, budgetShare: 0.9 };

let n = 0;
const line = (start: number, end: number, over: Partial<RequestLine> = {}): RequestLine => ({
  start: T0 + start,
  end: T0 + end,
  kind: 'generate',
  orderId: 'o1',
  requestId: `r${++n}`,
  endpoint: 'fal-ai/flux-lora',
  status: 'OK',
  webhook: 'sent',
  ...over,
});

const busy = (startedAt: number, seq: number, cause = 'Every provider slot is taken', inputHash = 'h1', state = 'SubmitBatch') => ({
  state,
  inputHash,
  seq,
  startedAt: T0 + startedAt,
  outcome: { error: 'ProviderBusy', cause },
});
const ok = (startedAt: number, seq: number, inputHash = 'h1', state = 'SubmitBatch') => ({ state, inputHash, seq, startedAt: T0 + startedAt, outcome: { output: {} } });
const execution = (orderId: string, attempts: ExecutionLike['attempts'], stopDate?: number): ExecutionLike => ({
  executionArn: `arn:aws:states:eu-west-1:000000000000:execution:GenerationPipeline:${orderId}-production`,
  name: `${orderId}-production`,
  input: JSON.stringify({ orderId }),
  attempts,
  ...(stopDate !== undefined && { stopDate }),
});

describe('the request log', () => {
  it('parses NDJSON lines, skips blank ones and counts the rest that are not requests', () => {
    const text = [JSON.stringify(line(0, 100)), '', 'not json', JSON.stringify({ hello: 1 }), JSON.stringify(line(5, 50, { orderId: null })), ''].join('\n');
    const { lines, malformed } = parseRequestLog(text);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.orderId).toBeNull();
    expect(malformed).toBe(2);
  });

  it("keeps only the run's orders inside its window, both ends included, and counts the others in the window", () => {
    const lines = [
      line(0, 10, { orderId: 'o1' }),
      line(1_000, 1_010, { orderId: 'o2' }),
      line(2_000, 2_010, { orderId: 'other' }),
      line(2_500, 2_510, { orderId: null }),
      line(-1, 10, { orderId: 'o1' }), // submitted before the window
      line(3_001, 3_010, { orderId: 'o2' }), // after it
      line(3_000, 9_000, { orderId: 'o2' }), // at its last instant: in, even if it ends later
    ];
    const { own, others } = selectLines(lines, new Set(['o1', 'o2']), { from: T0, to: T0 + 3_000 });
    expect(own.map((l) => l.start - T0)).toEqual([0, 1_000, 3_000]);
    expect(others).toBe(2);
  });
});

describe('requests still running when the run ends', () => {
  const record = (requestId: string, submittedAt: number, over: Record<string, unknown> = {}) => ({
    requestId,
    kind: 'generate',
    endpoint: 'fal-ai/flux-lora',
    orderId: 'o1',
    status: 'IN_PROGRESS',
    submittedAt: T0 + submittedAt,
    ...over,
  });

  it('become lines that run to the end of the window, unless they finished or the log has them', () => {
    const logged = [line(0, 500, { requestId: 'done' })];
    const lines = unfinishedLines(
      [record('a', 100), record('b', 200, { status: 'IN_QUEUE' }), record('done', 0), record('c', 300, { status: 'COMPLETED', completedAt: T0 + 400 })],
      logged,
      T0 + 10_000,
    );
    expect(lines.map((l) => [l.requestId, l.start - T0, l.end - T0, l.status])).toEqual([
      ['a', 100, 10_000, 'RUNNING'],
      ['b', 200, 10_000, 'RUNNING'],
    ]);
  });

  it('count in flight, and not in the mean time of a request', () => {
    const lines = [line(0, 2_000), ...unfinishedLines([record('a', 500), record('b', 600)], [], T0 + 60_000)];
    const a = analyse({ lines, orderIds: new Set(['o1']), window: { from: T0, to: T0 + 60_000 }, targets: TARGETS });
    expect(a.peakInFlight.peak).toBe(3);
    expect(a.running).toBe(2);
    expect(a.byKind).toEqual({ generate: { OK: 1, RUNNING: 2 } });
    expect(a.meanRequestMs).toBe(2_000);
  });
});

describe('in flight (the sweep)', () => {
  it('does not count requests that only touch: one ends as the next starts', () => {
    expect(peakInFlight([line(0, 1_000), line(1_000, 2_000), line(2_000, 3_000)])).toEqual({ peak: 1, at: T0 });
  });

  it('counts overlaps, and finds when the peak was first reached', () => {
    expect(peakInFlight([line(0, 1_000), line(500, 1_500), line(999, 1_001), line(1_000, 1_200)])).toEqual({ peak: 3, at: T0 + 999 });
  });

  it('is the same whatever order the lines come in', () => {
    const lines = Array.from({ length: 50 }, (_, i) => line(i * 37, i * 37 + 400 + (i % 7) * 90));
    const shuffled = [...lines].sort((a, b) => (a.requestId < b.requestId ? 1 : -1));
    expect(peakInFlight(shuffled)).toEqual(peakInFlight(lines));
    // Brute force at every millisecond: [start, end) half-open.
    let best = 0;
    for (let t = 0; t < 3_000; t++) best = Math.max(best, lines.filter((l) => l.start - T0 <= t && t < l.end - T0).length);
    expect(peakInFlight(lines).peak).toBe(best);
  });

  it('counts a request that ends the instant it starts, for that instant', () => {
    expect(peakInFlight([line(0, 1_000), line(500, 500)]).peak).toBe(2);
    expect(peakInFlight([line(500, 500)]).peak).toBe(1);
    // Touching it from both sides does not make it overlap them.
    expect(peakInFlight([line(0, 500), line(500, 500), line(500, 900)]).peak).toBe(2);
  });

  it('answers 0 for no requests', () => {
    expect(peakInFlight([])).toEqual({ peak: 0 });
  });

  it('answers the most in flight during each calendar second', () => {
    const bySecond = inFlightBySecond([line(0, 2_500), line(900, 1_000), line(1_000, 1_100), line(2_999, 3_000)]);
    expect(Object.fromEntries([...bySecond].map(([s, v]) => [s - T0 / 1000, v]))).toEqual({ 0: 2, 1: 2, 2: 1 });
    // A request ending on a second's first millisecond is not in flight in that second.
    expect([...inFlightBySecond([line(0, 1_000)]).keys()].map((s) => s - T0 / 1000)).toEqual([0]);
  });
});

describe('starts per calendar second', () => {
  it('buckets by the calendar second of the submit, not by a sliding window', () => {
    const starts = startsBySecond([line(999, 2_000), line(998, 2_000), line(1_000, 2_000), line(1_999, 2_000), line(2_000, 2_001)]);
    expect(Object.fromEntries([...starts].map(([s, v]) => [s - T0 / 1000, v]))).toEqual({ 0: 2, 1: 2, 2: 1 });
  });

  it('finds the busiest second, the earliest of equals', () => {
    const starts = new Map([
      [12, 3],
      [10, 30],
      [11, 30],
    ]);
    expect(busiestSecond(starts)).toEqual({ second: 10, starts: 30 });
    expect(busiestSecond(new Map())).toEqual({ starts: 0 });
  });
});

describe('waiting for a slot (ProviderBusy attempts)', () => {
  it('tells the two refusals apart by their message', () => {
    expect(refusalReason('Every provider slot is taken')).toBe('NO_SLOT');
    expect(refusalReason("This second's provider starts are used up")).toBe('RATE_LIMITED');
    expect(refusalReason('{"errorType":"ProviderBusy","errorMessage":"Every provider slot is taken"}')).toBe('NO_SLOT');
    expect(refusalReason(undefined)).toBe('UNKNOWN');
  });

  it('makes a wait from each refusal to the next attempt of the same step, for the run’s orders only', () => {
    const executions = [
      execution('o1', [
        ok(0, 0, 'train', 'SubmitTraining'),
        busy(1_000, 0),
        busy(2_500, 1, "This second's provider starts are used up"),
        ok(4_200, 2),
        // another batch (another input) waiting at the same time
        busy(1_100, 0, 'Every provider slot is taken', 'h2'),
        ok(1_900, 1, 'h2'),
        // a redrive left this one behind
        { ...busy(1_500, 0, 'x', 'h3'), discarded: true },
      ]),
      execution('other', [busy(1_000, 0), ok(9_000, 1)]),
    ];
    const { waits, refusals } = waitsFromExecutions(executions, new Set(['o1']), T0 + 60_000);
    expect(waits.map((w) => [w.from - T0, w.to - T0, w.reason, w.orderId])).toEqual([
      [1_000, 2_500, 'NO_SLOT', 'o1'],
      [1_100, 1_900, 'NO_SLOT', 'o1'],
      [2_500, 4_200, 'RATE_LIMITED', 'o1'],
    ]);
    expect(refusals.map((r) => [r.at - T0, r.reason])).toEqual([
      [1_000, 'NO_SLOT'],
      [1_100, 'NO_SLOT'],
      [2_500, 'RATE_LIMITED'],
    ]);
  });

  it('ends a wait with no retry when its execution stopped, or at the end of the window', () => {
    const stopped = waitsFromExecutions([execution('o1', [busy(1_000, 0)], (T0 + 3_000) / 1000)], new Set(['o1']), T0 + 10_000);
    expect(stopped.waits.map((w) => w.to - T0)).toEqual([3_000]);
    const running = waitsFromExecutions([execution('o1', [busy(1_000, 0)])], new Set(['o1']), T0 + 10_000);
    expect(running.waits.map((w) => w.to - T0)).toEqual([10_000]);
  });

  it('finds the order from the execution name when the input has none', () => {
    const { waits } = waitsFromExecutions([{ ...execution('o1', [busy(0, 0), ok(10, 1)]), input: '{}' }], new Set(['o1']), T0 + 1_000);
    expect(waits).toHaveLength(1);
  });

  it('reads both formats of the state file', () => {
    const rows = [execution('o1', [busy(0, 0)])];
    expect(parseExecutions(JSON.stringify({ version: 2, executions: rows }))).toEqual(rows);
    expect(parseExecutions(JSON.stringify(rows))).toEqual(rows);
  });

  it('covers the seconds a wait touches, half-open: a retry on a second’s first millisecond did not wait in it', () => {
    expect(secondsOfWait({ from: T0 + 900, to: T0 + 2_000 }).map((s) => s - T0 / 1000)).toEqual([0, 1]);
    expect(secondsOfWait({ from: T0 + 900, to: T0 + 2_001 }).map((s) => s - T0 / 1000)).toEqual([0, 1, 2]);
    expect(secondsOfWait({ from: T0 + 900, to: T0 + 900 }).map((s) => s - T0 / 1000)).toEqual([0]);
  });
});

describe('the budget used under saturation', () => {
  const S = T0 / 1000;

  it('averages starts ÷ 30 over the seconds in which a step waited, and marks each by the last refusal', () => {
    // Work waits over seconds 0–3; second 4 has starts but nobody waiting.
    const waits = [
      { from: T0 + 100, to: T0 + 2_500, reason: 'RATE_LIMITED' as const, orderId: 'o1', state: 'SubmitBatch' },
      { from: T0 + 2_600, to: T0 + 3_700, reason: 'NO_SLOT' as const, orderId: 'o1', state: 'SubmitBatch' },
    ];
    const refusals = [
      { at: T0 + 100, reason: 'RATE_LIMITED' as const },
      { at: T0 + 2_600, reason: 'NO_SLOT' as const },
    ];
    const starts = new Map([
      [S, 30],
      [S + 1, 27],
      [S + 2, 30],
      [S + 3, 6],
      [S + 4, 1],
    ]);
    const inFlight = new Map([
      [S, 30],
      [S + 1, 57],
      [S + 2, 60],
      [S + 3, 60],
    ]);
    const use = budgetUnderRefusals(waits, refusals, starts, inFlight, { from: T0, to: T0 + 10_000 }, TARGETS);
    expect(use.seconds.map((r) => [r.second - S, r.starts, r.bound])).toEqual([
      [0, 30, 'rate'],
      [1, 27, 'rate'],
      [2, 30, 'slots'], // the latest refusal before its end said: all slots taken
      [3, 6, 'slots'],
    ]);
    expect(use.share).toBeCloseTo((1 + 0.9 + 1 + 0.2) / 4);
    expect(use.rateBound).toEqual({ seconds: 2, share: expect.closeTo(0.95) });
    expect(use.slotBound).toEqual({ seconds: 2, share: expect.closeTo(0.6), meanInFlight: 60 });
  });

  it('counts a second once however many steps waited in it, caps a share at 1, and keeps to the window', () => {
    const wait = (from: number, to: number) => ({ from: T0 + from, to: T0 + to, reason: 'RATE_LIMITED' as const, orderId: 'o1', state: 'SubmitBatch' });
    const use = budgetUnderRefusals(
      [wait(0, 1_500), wait(200, 1_800), wait(300, 900), wait(5_000, 7_000)],
      [{ at: T0, reason: 'RATE_LIMITED' }],
      new Map([
        [S, 31],
        [S + 1, 15],
      ]),
      new Map(),
      { from: T0, to: T0 + 4_000 },
      TARGETS,
    );
    expect(use.seconds.map((r) => r.second - S)).toEqual([0, 1]);
    expect(use.share).toBeCloseTo((1 + 0.5) / 2);
  });

  it('has no figure when nothing waited', () => {
    const use = budgetUnderRefusals([], [], new Map([[S, 12]]), new Map(), { from: T0, to: T0 + 1_000 }, TARGETS);
    expect(use.seconds).toEqual([]);
    expect(use.share).toBeUndefined();
  });

  it('falls back to the seconds at a cap in the log when the refusals cannot be read', () => {
    const use = budgetAtCaps(
      new Map([
        [S, 30],
        [S + 1, 10],
        [S + 2, 4],
      ]),
      new Map([
        [S, 40],
        [S + 1, 60],
        [S + 2, 59],
      ]),
      TARGETS,
    );
    expect(use.method).toBe('caps');
    expect(use.seconds.map((r) => [r.second - S, r.bound])).toEqual([
      [0, 'rate'],
      [1, 'slots'],
    ]);
    expect(use.share).toBeCloseTo((1 + 10 / 30) / 2);
  });
});

describe('the whole analysis', () => {
  const window = { from: T0, to: T0 + 60_000 };

  it('passes a run within the limits and says when saturation was not exercised', () => {
    const lines = [line(0, 3_000, { kind: 'train' }), ...Array.from({ length: 20 }, (_, i) => line(3_100 + i * 10, 7_000, { status: i === 0 ? 'ERROR' : 'OK', webhook: i === 1 ? 'dropped' : 'sent' }))];
    const a = analyse({ lines, orderIds: new Set(['o1']), window, executions: [execution('o1', [ok(0, 0)])], targets: TARGETS });
    expect(a.requests).toBe(21);
    expect(a.byKind).toEqual({ train: { OK: 1 }, generate: { ERROR: 1, OK: 19 } });
    expect(a.webhooksDropped).toBe(1);
    expect(a.peakInFlight.peak).toBe(20);
    expect(a.busiestSecond).toEqual({ second: T0 / 1000 + 3, starts: 20 });
    expect(a.verdict).toEqual({ inFlight: true, perSecond: true, budget: undefined, hard: true });
  });

  it('fails the hard targets on 61 in flight or 31 starts in a calendar second', () => {
    // 61 started over 2.4 s (at most 25 a second), all still running at 2.4 s: the cap alone breaks.
    const crowded = Array.from({ length: 61 }, (_, i) => line(i * 40, 5_000));
    expect(analyse({ lines: crowded, orderIds: new Set(['o1']), window, targets: TARGETS }).verdict).toMatchObject({ inFlight: false, perSecond: true, hard: false });
    // 31 starts in one second, each over before the next: the rate alone breaks.
    const quick = Array.from({ length: 31 }, (_, i) => line(i * 30, i * 30 + 20));
    expect(analyse({ lines: quick, orderIds: new Set(['o1']), window, targets: TARGETS }).verdict).toMatchObject({ inFlight: true, perSecond: false, hard: false });
    // 30 in one second and 30 in the next, touching: both hold.
    const edge = Array.from({ length: 60 }, (_, i) => line(i < 30 ? 970 + i : 1_000 + i, 5_000));
    expect(analyse({ lines: edge, orderIds: new Set(['o1']), window, targets: TARGETS }).verdict).toMatchObject({ inFlight: true, perSecond: true, hard: true });
  });

  it('ignores other orders and lines outside the window', () => {
    const others = Array.from({ length: 70 }, (_, i) => line(i, 5_000, { orderId: 'someone-else' }));
    const before = Array.from({ length: 70 }, (_, i) => line(-10_000 + i, 5_000));
    const a = analyse({ lines: [...others, ...before, line(100, 200)], orderIds: new Set(['o1']), window, targets: TARGETS });
    expect(a.requests).toBe(1);
    expect(a.otherRequests).toBe(70);
    expect(a.verdict.hard).toBe(true);
  });

  it("judges the budget target on the seconds the run's steps waited, with Little's law's ceiling beside it", () => {
    // 2 s requests: 30 start in second 0, 30 in second 1 (60 in flight), then the slots free up at 2 s.
    const lines = [...Array.from({ length: 30 }, (_, i) => line(i * 10, 2_000 + i * 10)), ...Array.from({ length: 30 }, (_, i) => line(1_000 + i * 10, 3_000 + i * 10))];
    lines.push(...Array.from({ length: 24 }, (_, i) => line(2_000 + i * 10, 4_000)));
    const executions = [
      execution('o1', [busy(500, 0, "This second's provider starts are used up"), ok(1_100, 1), busy(1_600, 0, 'Every provider slot is taken', 'h2'), ok(2_100, 1, 'h2')]),
    ];
    const a = analyse({ lines, orderIds: new Set(['o1']), window, executions, targets: TARGETS });
    expect(a.peakInFlight.peak).toBe(60);
    expect(a.busiestSecond.starts).toBe(30);
    expect(a.refusals).toEqual({ NO_SLOT: 1, RATE_LIMITED: 1, UNKNOWN: 0 });
    // Waiting in seconds 0, 1 and 2: 30, 30 and 24 starts.
    expect(a.budget.seconds.map((r) => r.starts)).toEqual([30, 30, 24]);
    expect(a.budget.share).toBeCloseTo((1 + 1 + 0.8) / 3);
    expect(a.verdict.budget).toBe(true);
    expect(a.meanRequestMs).toBeCloseTo(2_000, -2);
    expect(a.ceilingPerSecond).toBe(30);
  });

  it('fails the budget target when the waits leave seconds unused', () => {
    const lines = [line(0, 8_000), line(4_000, 8_000)];
    const executions = [execution('o1', [busy(0, 0, "This second's provider starts are used up"), ok(4_000, 1)])];
    const a = analyse({ lines, orderIds: new Set(['o1']), window, executions, targets: TARGETS });
    expect(a.budget.seconds).toHaveLength(4);
    expect(a.budget.share).toBeCloseTo(1 / 30 / 4);
    expect(a.verdict).toMatchObject({ budget: false, hard: true });
    expect(a.ceilingPerSecond).toBeCloseTo(60 / 6);
  });
});
