import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestKind } from './models';

/** One delivery attempt of a webhook: the HTTP status, or the network error. */
export interface DeliveryAttempt {
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
  /** A duplicate the duplicate-webhooks knob added. */
  readonly duplicate?: boolean;
}

/** A request's failure, as its result answers it. */
export interface RequestFailure {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

export interface RequestRecord {
  readonly requestId: string;
  /** The full endpoint ID (`fal-ai/bytedance/seedream/v4.5/edit`). */
  readonly endpoint: string;
  /** `owner/app`: the part of the endpoint ID its status, result and cancel URLs use. */
  readonly app: string;
  readonly kind: RequestKind;
  readonly input: Record<string, unknown>;
  readonly webhookUrl?: string;
  readonly orderId: string | null;
  /** Decided at submit from the PRNG: the seed for an input without one, and what the knobs do to it. */
  readonly plan: {
    readonly seed: number;
    readonly failure?: { readonly status: number; readonly errorType: string; readonly detail: string };
    readonly dropWebhook: boolean;
    readonly duplicates: number;
  };
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
  readonly submittedAt: number;
  startedAt?: number;
  completedAt?: number;
  cancelRequested?: boolean;
  /** Set once COMPLETED: the payload, or the error the result answers. */
  outcome?: { readonly ok: true; readonly payload: Record<string, unknown> } | { readonly ok: false; readonly failure: RequestFailure };
  logs: { message: string; level: 'INFO' | 'ERROR'; source: 'USER'; timestamp: string }[];
  webhook: {
    state: 'none' | 'pending' | 'delivered' | 'failed' | 'dropped';
    attempts: DeliveryAttempt[];
    retriesLeft: number;
    nextAttemptAt?: number;
  };
}

/** One line of `<dataDir>/requests.ndjson`, written when a request ends. */
export interface RequestLogLine {
  /** Epoch ms of the submit. */
  readonly start: number;
  /** Epoch ms the request finished (OK or ERROR). */
  readonly end: number;
  readonly kind: RequestKind;
  /** The `orderId` query parameter of the webhook URL, or null. */
  readonly orderId: string | null;
  readonly requestId: string;
  readonly endpoint: string;
  readonly status: 'OK' | 'ERROR';
  /** `sent`: a webhook is on its way (see the deliveries); `dropped`: the knob swallowed it; `none`: no `fal_webhook` was given. */
  readonly webhook: 'sent' | 'dropped' | 'none';
}

/**
 * The stand-in's requests on disk, one JSON file each under `<dataDir>/requests/`
 * (rewritten aside and renamed on every change), so a restart resumes queued requests
 * and undelivered webhooks and still answers status and result; and the NDJSON log of
 * finished requests.
 */
export class RequestStore {
  readonly records = new Map<string, RequestRecord>();
  private readonly dir: string;
  private readonly logFile: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'requests');
    this.logFile = join(dataDir, 'requests.ndjson');
    mkdirSync(this.dir, { recursive: true });
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const record = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as RequestRecord;
        this.records.set(record.requestId, record);
      } catch {
        // A file cut short by a crash mid-write is only ever the staging copy; skip anything unreadable.
      }
    }
  }

  save(record: RequestRecord): void {
    this.records.set(record.requestId, record);
    const file = join(this.dir, `${record.requestId}.json`);
    const staging = `${file}.${process.pid}.tmp`;
    writeFileSync(staging, JSON.stringify(record));
    renameSync(staging, file);
  }

  appendLog(line: RequestLogLine): void {
    appendFileSync(this.logFile, `${JSON.stringify(line)}\n`);
  }

  /** The log's lines, oldest first. */
  logLines(): RequestLogLine[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestLogLine);
  }
}
