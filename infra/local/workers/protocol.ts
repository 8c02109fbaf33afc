/** Messages between the local cloud and a function's worker thread. */

export interface WorkerData {
  readonly functionId: string;
  readonly arn: string;
  readonly memoryMb: number;
  /** Absolute file URL of the handler module. */
  readonly entry: string;
  /** The catalogue's entry path, for messages. */
  readonly entryName: string;
}

export type ToWorker = { readonly type: 'invoke'; readonly id: number; readonly requestId: string; readonly event: string; readonly deadline: number };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly errorType: string; readonly errorMessage: string }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly payload: string }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly errorType: string; readonly errorMessage: string };
