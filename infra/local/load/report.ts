import type { LoadAnalysis } from './analysis';
import { formatDuration } from './progress';

/** What the run itself knows, besides the provider's log. */
export interface RunSummary {
  readonly orders: number;
  readonly styles: readonly string[];
  /** Orders that reached the gate and were confirmed. */
  readonly confirmed: number;
  /** Orders that never got to production, with why. */
  readonly notConfirmed: readonly string[];
  /** Final statuses of the confirmed orders (PENDING_REVIEW, FAILED, … or still running). */
  readonly statuses: Readonly<Record<string, number>>;
  /** FAILED orders by reason. */
  readonly failures: Readonly<Record<string, number>>;
  readonly imagesPlanned: number;
  readonly imagesDone: number;
  readonly imagesKept: number;
  /** From the run's start (people, photos, gate) to its end, ms. */
  readonly wallMs: number;
  /** From the first confirmation to the last order finished, ms. */
  readonly productionMs: number;
  /** The run stopped before every order finished (timeout or Ctrl-C). */
  readonly incomplete?: string;
  readonly knobs: { readonly latencyMs: number; readonly trainingLatencyMs: number; readonly concurrency: number };
  /** Where the refusals were read from. */
  readonly stateFile: string;
  /** The local cloud's process, when it could be watched: its peak memory and sandboxes, and whether it died. */
  readonly cloud?: { readonly peakRssBytes: number; readonly peakSandboxes: Readonly<Record<string, number>>; readonly gone: boolean };
}

const pct = (share: number | undefined) => (share === undefined ? '–' : `${Math.round(share * 100)} %`);
const time = (ms: number | undefined) => (ms === undefined ? '–' : new Date(ms).toISOString().slice(11, 19));
const second = (s: number | undefined) => (s === undefined ? '–' : `the second ${time(s * 1000)}`);
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'NOT EXERCISED' : ok ? 'PASS' : 'FAIL');

/** The report printed at the end of a run. */
export function formatReport(a: LoadAnalysis, run: RunSummary): string {
  const t = a.targets;
  const out: string[] = [];
  const row = (label: string, text: string, mark = '') => out.push(`  ${label.padEnd(12)}${mark ? `${text.padEnd(74)} ${mark}` : text}`);
  out.push('', `Load run: ${run.orders} orders × ${run.styles.join(', ')}; generation latency ${run.knobs.latencyMs} ms, training ${run.knobs.trainingLatencyMs} ms, stand-in concurrency ${run.knobs.concurrency}`, '');

  const statuses = Object.entries(run.statuses).map(([s, n]) => `${n} ${s}`).join(', ') || 'none';
  row('Orders', `${run.confirmed} of ${run.orders} confirmed; ${statuses}; images ${run.imagesDone}/${run.imagesPlanned} done, ${run.imagesKept} kept`);
  for (const [reason, n] of Object.entries(run.failures)) row('', `FAILED ×${n}: ${reason}`);
  for (const why of run.notConfirmed) row('', `not confirmed: ${why}`);
  if (run.incomplete) row('', `incomplete: ${run.incomplete}`);
  if (run.cloud) {
    const top = Object.entries(run.cloud.peakSandboxes)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 4)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    row('Local cloud', `peak ${(run.cloud.peakRssBytes / 2 ** 30).toFixed(1)} GB resident; most sandboxes at once: ${top || '–'}${run.cloud.gone ? '; its process DIED during the run' : ''}`);
  }
  row(
    'Wall time',
    `${formatDuration(run.wallMs)} in all; production ${formatDuration(run.productionMs)} ${run.incomplete ? 'from the first confirmation until the run stopped' : '(first confirmation to last order finished)'}`,
  );
  const kinds = Object.entries(a.byKind)
    .map(([kind, byStatus]) => `${Object.values(byStatus).reduce((x, y) => x + y, 0)} ${kind} (${Object.entries(byStatus).map(([s, n]) => `${n} ${s}`).join(', ')})`)
    .join(', ');
  row(
    'Requests',
    `${a.requests} in the window: ${kinds || 'none'}${a.running ? ' (RUNNING: still at the provider when the run ended, in flight to its end)' : ''}; ${a.webhooksDropped} webhooks dropped; mean ${a.meanRequestMs === undefined ? '–' : `${(a.meanRequestMs / 1000).toFixed(1)} s`} submit → end` +
      (a.otherRequests ? `; ${a.otherRequests} of other orders not counted` : ''),
  );
  out.push('');
  row('In flight', `at most ${a.peakInFlight.peak} at once (first at ${time(a.peakInFlight.at)} UTC); limit ${t.inFlight}`, verdict(a.verdict.inFlight));
  row('Starts/s', `at most ${a.busiestSecond.starts} in one calendar second (${second(a.busiestSecond.second)} UTC); limit ${t.perSecond}`, verdict(a.verdict.perSecond));

  const b = a.budget;
  const refusals = a.refusals.NO_SLOT + a.refusals.RATE_LIMITED + a.refusals.UNKNOWN;
  if (b.method === 'refusals') {
    row('Saturation', `${b.seconds.length} s in which a step of this run waited for a slot: from a ProviderBusy refusal to its retry,`);
    row('', `as the local Step Functions recorded the attempts (${run.stateFile});`);
    row('', `${refusals} refusals (${a.refusals.NO_SLOT} all ${t.inFlight} slots taken, ${a.refusals.RATE_LIMITED} second's ${t.perSecond} starts used up)`);
  } else {
    row('Saturation', `${b.seconds.length} s at a cap in the provider's log (${t.inFlight} in flight or ${t.perSecond} starts; the state file was not readable)`);
  }
  if (b.share === undefined) {
    row('Budget use', `no step waited for a slot, so the ${Math.round(t.budgetShare * 100)} % target was not exercised`, verdict(undefined));
    row('', `to exercise it, ask for more than ${t.inFlight} requests at once: --orders 24 --styles corporate-grey,boardroom-blue,`);
    row('', `or slots held longer (--latency-ms 4000 or more); each batch collected at once takes a sandbox (≈0.4 GB) on the local cloud`);
  } else {
    row('Budget use', `${pct(b.share)} of ${t.perSecond}/s used in those seconds (starts ÷ ${t.perSecond}, averaged); target ≥ ${Math.round(t.budgetShare * 100)} %`, verdict(a.verdict.budget));
    row('', `rate-bound ${b.rateBound.seconds} s (the last refusal: starts used up): ${pct(b.rateBound.share)}`);
    row(
      '',
      `slot-bound ${b.slotBound.seconds} s (the last refusal: all slots taken): ${pct(b.slotBound.share)}` +
        (b.slotBound.meanInFlight === undefined ? '' : `, ${b.slotBound.meanInFlight.toFixed(0)} in flight at the provider on average`),
    );
    if (a.ceilingPerSecond !== undefined && a.ceilingPerSecond < t.perSecond) {
      row('', `at ${((a.meanRequestMs ?? 0) / 1000).toFixed(1)} s a request, ${t.inFlight} in flight allow ${a.ceilingPerSecond.toFixed(1)} starts/s (Little's law): while every slot`);
      row('', `is taken, starts follow completions and ${t.perSecond}/s is out of reach; shorter requests (--latency-ms) let it show`);
    }
  }
  out.push('', a.verdict.hard ? '  Hard targets held.' : '  A hard target was broken.', '');
  return out.join('\n');
}
