import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The local cloud's own process, watched while the run goes on (Linux, from /proc):
 * its memory, and its function sandboxes (worker threads named after their function),
 * which the local runtime starts one per concurrent invocation and never recycles.
 * A run of many orders is also a test of whether the one machine copes.
 */
export interface CloudSample {
  readonly rssBytes: number;
  /** Threads per function name (a sandbox's worker thread carries its function's ID). */
  readonly sandboxes: Readonly<Record<string, number>>;
}

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The PID of the local cloud whose data folder is `dataDir` (its `--data-dir`, `.local/data` by default, from its working folder). */
export function findCloudPid(dataDir: string): number | undefined {
  let best: { pid: number; rss: number } | undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const name of pids) {
    const args = read(`/proc/${name}/cmdline`)?.split('\0');
    if (!args?.some((a) => a.endsWith('infra/local/main.ts'))) continue;
    const at = args.indexOf('--data-dir');
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${name}/cwd`);
    } catch {
      continue;
    }
    const dir = resolve(cwd, at >= 0 ? args[at + 1]! : '.local/data');
    if (dir !== resolve(dataDir)) continue;
    // tsx runs the cloud in a child of its own launcher: keep the one with the most memory.
    const rss = sample(Number(name))?.rssBytes ?? 0;
    if (!best || rss > best.rss) best = { pid: Number(name), rss };
  }
  return best?.pid;
}

/** One look at the process; undefined when it is gone. */
export function sample(pid: number): CloudSample | undefined {
  const status = read(`/proc/${pid}/status`);
  // Gone, or a zombie waiting for its parent to read its exit.
  if (!status || /^State:\s+[ZX]/m.test(status)) return undefined;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const sandboxes: Record<string, number> = {};
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    // gone between the two reads
  }
  for (const task of tasks) {
    const comm = read(`/proc/${pid}/task/${task}/comm`)?.trim();
    // Function IDs are PascalCase; Node's and V8's own threads are not counted.
    if (!comm || !/^[A-Z][A-Za-z0-9]+$/.test(comm) || /^(MainThread|V8Worker|DelayedTaskSche|SignalInspector)$/.test(comm)) continue;
    sandboxes[comm] = (sandboxes[comm] ?? 0) + 1;
  }
  return { rssBytes: rssKb * 1024, sandboxes };
}

/** Samples the cloud every `everyMs` and keeps the peaks; `gone` once the process has disappeared. */
export class CloudWatch {
  peakRss = 0;
  peakSandboxes: Record<string, number> = {};
  last?: CloudSample;
  gone = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 2_000,
    private readonly onGone: () => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.look(), everyMs);
    this.timer.unref();
    this.look();
  }

  private look(): void {
    const now = sample(this.pid);
    if (!now) {
      if (!this.gone) {
        this.gone = true;
        clearInterval(this.timer);
        this.onGone();
      }
      return;
    }
    this.last = now;
    this.peakRss = Math.max(this.peakRss, now.rssBytes);
    for (const [name, n] of Object.entries(now.sandboxes)) this.peakSandboxes[name] = Math.max(this.peakSandboxes[name] ?? 0, n);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export const gigabytes = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;
