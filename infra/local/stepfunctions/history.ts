import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Failure } from './errors';
import type { Json } from './asl';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What DescribeExecution answers. Dates are epoch seconds, as the JSON protocol carries them. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount?: number;
  redriveDate?: number;
}

/** How an attempt ended: the output it produced or the failure it raised. */
export type Outcome = { output: Json } | Failure;

/**
 * One attempt of one Task (or Wait) state: each call the interpreter makes to a state's override.
 * Identified across restarts by the state, a hash of the state's effective input (which tells Map
 * iterations apart) and the call's sequence number among calls with that state and input (which
 * tells retries and loops apart). Each attempt of a callback task has its own token.
 */
export interface Attempt {
  /** Unique within the execution (keys in-memory timers and waiters). */
  uid: string;
  state: string;
  inputHash: string;
  seq: number;
  startedAt: number;
  /** Epoch ms: TimeoutSeconds ends the attempt with States.Timeout; a Wait ends (successfully) here. */
  deadline?: number;
  /** Epoch ms: the attempt fails with States.HeartbeatTimeout unless SendTaskHeartbeat moves it. */
  heartbeatDeadline?: number;
  token?: string;
  /** The callback's function was invoked (with `token`); a resumed attempt waits without invoking it again. */
  invoked?: boolean;
  outcome?: Outcome;
  /** Its failure ended the execution (a redrive runs this state again with a fresh retry budget). */
  fatal?: boolean;
  /** Left behind by a redrive: never replayed; its token stays closed. */
  discarded?: boolean;
}

/** An execution with its recorded attempts. */
export interface StoredExecution {
  record: ExecutionRecord;
  /** Absent for executions saved before attempts were recorded. */
  attempts?: Attempt[];
}

interface StateFile {
  version: 2;
  executions: (ExecutionRecord & { attempts?: Attempt[] })[];
}

/** Reads the state file; also the earlier format, a bare array of records. */
export function loadState(file: string): StoredExecution[] {
  if (!existsSync(file)) return [];
  const saved = JSON.parse(readFileSync(file, 'utf8')) as StateFile | ExecutionRecord[];
  const rows = Array.isArray(saved) ? saved : saved.executions;
  return rows.map((row) => {
    const { attempts, ...record } = row as ExecutionRecord & { attempts?: Attempt[] };
    return { record, attempts };
  });
}

/** Writes the state file atomically (a crash leaves the old or the new file, never half of one). */
export function saveState(file: string, executions: Iterable<StoredExecution>): void {
  mkdirSync(dirname(file), { recursive: true });
  const content: StateFile = { version: 2, executions: [...executions].map(({ record, attempts }) => ({ ...record, attempts })) };
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(content));
  renameSync(tmp, file);
}
