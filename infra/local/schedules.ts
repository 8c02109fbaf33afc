import { randomUUID } from 'node:crypto';
import type { ScheduleSpec } from '../catalogue';

export interface LocalSchedulesOptions {
  readonly schedules: readonly ScheduleSpec[];
  readonly region: string;
  readonly accountId: string;
  /** Invokes a function by ID (asynchronously, as EventBridge does). */
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
  /** Milliseconds per scheduled minute; tests shrink it. */
  readonly minuteMs?: number;
}

/** EventBridge's "Scheduled Event", as a schedule rule hands it to its Lambda target. */
export function scheduledEvent(ruleName: string, region: string, accountId: string, at = new Date()): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${accountId}:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * The catalogue's schedules on the local cloud: one timer per schedule that
 * invokes its function with a Scheduled Event every `everyMinutes`, the first
 * time one period after start (as a new rate rule does). A failed run is
 * logged; the next period runs again. Returns the function that stops them.
 */
export function startSchedules(options: LocalSchedulesOptions): () => void {
  const minuteMs = options.minuteMs ?? 60_000;
  const timers = options.schedules.map((schedule) => {
    const rule = `${schedule.functionId}Schedule`;
    const timer = setInterval(() => {
      options.invoke(schedule.functionId, scheduledEvent(rule, options.region, options.accountId)).catch((error: Error) => {
        options.log?.(`  schedule ${rule}: ${schedule.functionId} failed: ${error.message}`);
      });
    }, schedule.everyMinutes * minuteMs);
    // The local cloud's life is its servers': a pending timer must not keep the process alive.
    timer.unref();
    return timer;
  });
  return () => timers.forEach((timer) => clearInterval(timer));
}
