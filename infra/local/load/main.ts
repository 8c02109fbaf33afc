/**
 * `npm run load -- --orders 12`: drives N orders at once through photos, the gate,
 * the admin's confirmation and production on a local cloud, shows progress while it
 * runs, then reads the fal stand-in's request log and the local Step Functions'
 * attempts and checks the provider's global limits: at most 60 requests in flight,
 * at most 30 starts in any calendar second, and at least 90 % of 30/s used while work
 * waited for a slot. Exits 1 when a hard limit (60, 30/s) was broken, 2 when the run
 * could not finish (no order confirmed, a timeout, Ctrl-C, the cloud's process died).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROVIDER_LIMITS } from '../../../functions/generation/provider-limits';
import { type RunningCloud, startLocalCloud } from '../../../test/support/local-cloud';
import type { LocalEndpoints } from '../endpoints';
import { analyse, type ExecutionLike, parseExecutions, parseRequestLog, type RequestRecordLike, unfinishedLines } from './analysis';
import { Pacer } from './api';
import { adminClient, confirm, inBatches, isFinished, loadFaces, type LoadOrder, makePeople, orderToGate, type Setup, Tracker } from './orders';
import { CloudWatch, findCloudPid, gigabytes } from './cloud-process';
import { formatDuration, Progress, progressLine } from './progress';
import { formatReport, type RunSummary } from './report';

const ROOT = resolve(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const USAGE = `Usage: npm run load -- [options]

  --orders N              orders driven at once (default 12)
  --styles A,B            styles of each order (default corporate-grey)
  --studio ID             their studio (default north-light-studio)
  --latency-ms MS         the fal stand-in's generation latency (so requests overlap; e.g. 4000)
  --training-latency-ms MS   its training latency
  --fal-concurrency N     requests the stand-in runs at once (its default 40; more wait IN_QUEUE)
  --start                 start a local cloud of its own (free ports, fresh data, stopped at the end)
  --keep-data             with --start: keep its data folder
  --endpoints FILE        the running cloud's endpoints (default .local/endpoints.json)
  --setup-width N         orders uploading selfies at once (default 1: each selfie is checked by face
                          detection in a sandbox of its own, and sandboxes stay resident to the end)
  --timeout-min N         give up waiting for production after N minutes (default 60)
  --json FILE             also write the figures as JSON

Saturation needs more than 60 requests at once: --orders 24 --styles corporate-grey,boardroom-blue
(216 requests), or longer requests (--latency-ms 4000).`;

interface Knobs {
  latencyMs: number;
  trainingLatencyMs: number;
  concurrency: number;
}

async function knobs(endpoints: LocalEndpoints, changes?: Partial<Knobs>): Promise<Knobs> {
  const res = await fetch(`${endpoints.fal.url}/_local/knobs`, {
    method: changes ? 'PUT' : 'GET',
    ...(changes && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(changes) }),
  });
  if (res.status !== 200) throw new Error(`The fal stand-in's knobs answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Knobs;
}

function positive(name: string, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not ${raw}`);
  return n;
}

/** The stand-in's records of requests not yet finished, submitted since `since` (one JSON file per request). */
function unfinishedRecords(dir: string, since: number): RequestRecordLike[] {
  if (!existsSync(dir)) return [];
  const out: RequestRecordLike[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    // A finished request's file was last written before the run, or holds completedAt.
    if (statSync(file).mtimeMs < since) continue;
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as RequestRecordLike;
      if (record.completedAt === undefined && record.submittedAt >= since) out.push(record);
    } catch {
      // being rewritten: it will be in the log or the next run
    }
  }
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string' },
      styles: { type: 'string' },
      studio: { type: 'string' },
      'latency-ms': { type: 'string' },
      'training-latency-ms': { type: 'string' },
      'fal-concurrency': { type: 'string' },
      start: { type: 'boolean' },
      'keep-data': { type: 'boolean' },
      endpoints: { type: 'string' },
      'timeout-min': { type: 'string' },
      'setup-width': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const count = positive('orders', values.orders, 12)!;
  if (count < 1) throw new Error('--orders must be at least 1');
  const styleIds = (values.styles ?? 'corporate-grey').split(',').map((s) => s.trim()).filter(Boolean);
  const studioId = values.studio ?? 'north-light-studio';
  const timeoutMs = positive('timeout-min', values['timeout-min'], 60)! * 60_000;
  const setupWidth = Math.max(1, positive('setup-width', values['setup-width'], 1)!);
  const knobChanges: Partial<Knobs> = {};
  const latency = positive('latency-ms', values['latency-ms']);
  const training = positive('training-latency-ms', values['training-latency-ms']);
  const concurrency = positive('fal-concurrency', values['fal-concurrency']);
  if (latency !== undefined) knobChanges.latencyMs = latency;
  if (training !== undefined) knobChanges.trainingLatencyMs = training;
  if (concurrency !== undefined) knobChanges.concurrency = concurrency;

  const abort = new AbortController();
  let cloud: RunningCloud | undefined;
  // Set once the cloud's process is found; the Ctrl-C handler reads it.
  const watching: { watch?: CloudWatch } = {};
  process.on('SIGINT', () => {
    if (abort.signal.aborted) {
      console.log('\nQuitting.');
      void (watching.watch?.gone ? Promise.resolve() : (cloud?.stop() ?? Promise.resolve())).finally(() => process.exit(130));
      return;
    }
    abort.abort();
    console.log('\nStopping: the figures so far follow (Ctrl-C again to quit at once).');
  });

  const runStart = Date.now();
  let endpoints: LocalEndpoints;
  if (values.start) {
    console.log('Starting a local cloud on free ports (a minute or two) …');
    cloud = await startLocalCloud({ timeoutMs: 300_000, keepData: values['keep-data'] });
    endpoints = cloud.endpoints;
    console.log(`  API ${endpoints.api}, data in ${cloud.dataDir}`);
  } else {
    const file = resolve(values.endpoints ?? join(ROOT, '.local', 'endpoints.json'));
    if (!existsSync(file)) throw new Error(`No ${file}: start the local cloud (npm start) or pass --start`);
    endpoints = JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
  }
  // The fal stand-in keeps its data in <dataDir>/fal, the Step Functions stand-in in <dataDir>/stepfunctions.
  const dataDir = dirname(dirname(endpoints.fal.requestLog));
  const stateFile = join(dataDir, 'stepfunctions', 'executions.json');

  const cloudPid = findCloudPid(dataDir);
  const watch = cloudPid
    ? new CloudWatch(cloudPid, 2_000, () => {
        console.log(`\nThe local cloud's process (${cloudPid}) is gone: out of memory? (see dmesg). The figures so far follow.`);
        abort.abort();
      })
    : undefined;
  watching.watch = watch;

  const tracker: { current?: Tracker } = {};
  let before: Knobs | undefined;
  try {
    before = await knobs(endpoints);
    const knobsNow = Object.keys(knobChanges).length ? await knobs(endpoints, knobChanges) : before;
    console.log(
      `Driving ${count} orders of ${studioId} × ${styleIds.join(', ')} on ${endpoints.api}; fal stand-in: latency ${knobsNow.latencyMs} ms, training ${knobsNow.trainingLatencyMs} ms, concurrency ${knobsNow.concurrency}`,
    );
    const setup: Setup = { endpoints, pacer: new Pacer(), studioId, styleIds, facesDir: join(ROOT, '.local', 'cache', 'sample-faces') };
    const faces = await loadFaces(setup);
    const admin = await adminClient(setup);
    let phase = 'people';
    let orders: LoadOrder[] = [];
    const progress = new Progress(process.stdout, () =>
      progressLine(
        Date.now() - runStart,
        phase,
        (orders.length ? orders : Array.from({ length: count }, () => undefined)).map((o) => ({
          status: o?.view?.status,
          imagesPlanned: o?.view?.imagesPlanned,
          imagesDone: o?.view?.imagesDone,
          stuck: Boolean(o?.setupError),
          selfies: o?.view?.photos?.length ?? (o?.orderId ? 6 : 0),
          selfiesChecked: o?.view?.photos?.filter((p) => p.status !== 'UPLOADING' && p.status !== 'VALIDATING').length ?? 0,
        })),
        watch?.last ? `cloud ${gigabytes(watch.last.rssBytes)}, ${Object.values(watch.last.sandboxes).reduce((a, b) => a + b, 0)} sandboxes` : '',
      ),
    );
    progress.start();

    orders = await makePeople(setup, count, `${Date.now().toString(36)}`);
    const track = new Tracker(orders, abort.signal, Math.max(4, Math.min(15, count)));
    tracker.current = track;
    phase = 'photos';
    await inBatches(orders, setupWidth, async (order) => {
      if (abort.signal.aborted) return;
      try {
        await orderToGate(setup, admin, track, order, faces);
      } catch (error) {
        order.setupError = `order ${order.index + 1}${order.orderId ? ` (${order.orderId})` : ''}: ${(error as Error).message}`;
        progress.note(`  ${order.setupError}`);
      }
    });

    phase = 'confirm';
    if (abort.signal.aborted) throw new Error('stopped before any order was confirmed');
    const atGate = orders.filter((o) => !o.setupError && o.view?.status === 'PENDING_EDITOR_CONFIRMATION');
    const windowFrom = Date.now() - 1_000;
    await Promise.all(
      atGate.map(async (order) => {
        try {
          await confirm(admin, order);
          order.confirmedAt = Date.now();
        } catch (error) {
          order.setupError = `order ${order.index + 1} (${order.orderId}): ${(error as Error).message}`;
          progress.note(`  ${order.setupError}`);
        }
      }),
    );
    const confirmed = atGate.filter((o) => o.confirmedAt !== undefined);
    if (confirmed.length) progress.note(`  ${confirmed.length} orders confirmed in ${formatDuration(Math.max(...confirmed.map((o) => o.confirmedAt!)) - windowFrom - 1_000)}`);

    phase = 'production';
    const deadline = Date.now() + timeoutMs;
    let incomplete: string | undefined;
    while (confirmed.some((o) => !isFinished(o.view?.status))) {
      if (abort.signal.aborted) {
        incomplete = watch?.gone ? "the local cloud's process died" : 'stopped by Ctrl-C';
        break;
      }
      if (Date.now() > deadline) {
        incomplete = `timed out after ${formatDuration(timeoutMs)} of production`;
        break;
      }
      await sleep(500);
    }
    const productionEnd = incomplete || !confirmed.length ? Date.now() : Math.max(...confirmed.map((o) => o.finishedAt ?? Date.now()));
    // A failed order may leave requests running at the provider: let them end and be logged.
    if (confirmed.some((o) => o.view?.status !== 'PENDING_REVIEW') && !abort.signal.aborted) {
      phase = 'settling';
      await sleep(Math.min(30_000, knobsNow.latencyMs + 2_000));
    }
    progress.stop();
    track.stop();

    const windowTo = Date.now();
    const orderIds = new Set(orders.map((o) => o.orderId).filter((id): id is string => Boolean(id)));
    const log = existsSync(endpoints.fal.requestLog) ? parseRequestLog(readFileSync(endpoints.fal.requestLog, 'utf8')) : { lines: [], malformed: 0 };
    // Requests still at the provider have no log line yet: their records say since when they run.
    const running = unfinishedLines(unfinishedRecords(join(dataDir, 'fal', 'requests'), windowFrom), log.lines, windowTo);
    let executions: ExecutionLike[] | undefined;
    try {
      executions = parseExecutions(readFileSync(stateFile, 'utf8'));
    } catch {
      executions = undefined;
    }
    const analysis = analyse({
      lines: [...log.lines, ...running],
      orderIds,
      window: { from: windowFrom, to: windowTo },
      executions,
      targets: { inFlight: PROVIDER_LIMITS.inFlight, perSecond: PROVIDER_LIMITS.perSecond, budgetShare: 0.9 },
    });

    const statuses: Record<string, number> = {};
    const failures: Record<string, number> = {};
    for (const order of confirmed) {
      const status = order.view?.status ?? 'unknown';
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 'FAILED') failures[order.view?.failureReason ?? 'no reason given'] = (failures[order.view?.failureReason ?? 'no reason given'] ?? 0) + 1;
    }
    const firstConfirm = Math.min(...confirmed.map((o) => o.confirmedAt!));
    const summary: RunSummary = {
      orders: count,
      styles: styleIds,
      confirmed: confirmed.length,
      notConfirmed: orders.filter((o) => o.setupError).map((o) => o.setupError!),
      statuses,
      failures,
      imagesPlanned: confirmed.reduce((n, o) => n + (o.view?.imagesPlanned ?? 0), 0),
      imagesDone: confirmed.reduce((n, o) => n + (o.view?.imagesDone ?? 0), 0),
      imagesKept: confirmed.reduce((n, o) => n + (o.view?.imagesKept ?? 0), 0),
      wallMs: productionEnd - runStart,
      productionMs: confirmed.length ? productionEnd - firstConfirm : 0,
      ...(incomplete && { incomplete }),
      knobs: knobsNow,
      stateFile,
      ...(watch && { cloud: { peakRssBytes: watch.peakRss, peakSandboxes: watch.peakSandboxes, gone: watch.gone } }),
    };
    console.log(formatReport(analysis, summary));
    if (log.malformed) console.log(`  (${log.malformed} lines of ${endpoints.fal.requestLog} were not requests)`);
    if (values.json) {
      const file = resolve(values.json);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ summary, analysis }, null, 2)}\n`);
      console.log(`  Figures written to ${file}`);
    }
    if (!analysis.verdict.hard) return 1;
    return !confirmed.length || incomplete ? 2 : 0;
  } finally {
    tracker.current?.stop();
    if (!cloud && before && Object.keys(knobChanges).length) {
      const restore: Partial<Knobs> = {};
      for (const name of Object.keys(knobChanges) as (keyof Knobs)[]) restore[name] = before[name];
      await knobs(endpoints, restore).catch(() => undefined);
    }
    watch?.stop();
    // A cloud that died (the OOM killer) has no one left to stop; its data stays for a look.
    if (cloud && watch?.gone) console.log(`  The local cloud's data is in ${cloud.dataDir}`);
    else if (cloud) await cloud.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`\nload: ${error.stack ?? error.message}`);
    process.exit(2);
  },
);
