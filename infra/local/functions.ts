import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FUNCTIONS, type FunctionSpec } from '../catalogue';
import type { FromWorker, ToWorker, WorkerData } from './workers/protocol';

/** The access key a function's calls are signed with: it names the function, as a role session does on AWS. */
export function functionAccessKey(functionId: string): string {
  return `LOCAL${functionId.toUpperCase()}`;
}

/** Any secret: the local services and the authorizing proxies never check signatures. */
const FUNCTION_SECRET = 'local-function-secret';

export interface LocalFunctionsOptions {
  /** The functions to host; the catalogue's by default (tests pass a variant). */
  readonly functions?: readonly FunctionSpec[];
  /** Variables every function gets: region, service endpoints, Powertools settings. */
  readonly baseEnv?: Readonly<Record<string, string>>;
  /** A function's own variables, from its grants (`bindLocally`). */
  readonly environment?: (spec: FunctionSpec) => Readonly<Record<string, string>>;
  /** Each line a handler writes (its Powertools logs); printed on this process's stdout/stderr by default. */
  readonly onLog?: (functionId: string, line: string, stream: 'stdout' | 'stderr') => void;
}

/** The tsx loader the cloud itself runs under, so workers load the handlers' TypeScript the same way. */
const TSX_LOADER = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
const WORKER_FILE = join(__dirname, 'workers', 'handler-worker.ts');

type Pending = { resolve: (payload: string) => void; reject: (error: Error) => void };

/** One execution environment: a worker thread serving one invocation at a time, as a Lambda sandbox does. */
class Sandbox {
  readonly worker: Worker;
  readonly functionId: string;
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  dead = false;

  constructor(spec: FunctionSpec, data: WorkerData, env: Record<string, string>, onLog: NonNullable<LocalFunctionsOptions['onLog']>) {
    this.functionId = spec.id;
    this.worker = new Worker(WORKER_FILE, { workerData: data, env, execArgv: ['--import', TSX_LOADER], stdout: true, stderr: true, name: spec.id });
    for (const stream of ['stdout', 'stderr'] as const) {
      let buffered = '';
      this.worker[stream].on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) onLog(spec.id, line, stream);
      });
    }
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') resolveReady();
        else if (message.type === 'init-error') {
          this.dead = true;
          rejectReady(lambdaError(message.errorType, message.errorMessage));
          void this.worker.terminate();
        } else {
          const pending = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.ok) pending?.resolve(message.payload);
          else pending?.reject(message.errorMessage.startsWith('{"errorType"') ? named(message.errorMessage, message.errorType) : lambdaError(message.errorType, message.errorMessage));
        }
      });
      const fail = (error: Error) => {
        this.dead = true;
        rejectReady(error);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      };
      this.worker.on('error', (error) => fail(lambdaError('Runtime.ExitError', `RequestId: the runtime failed: ${error.message}`)));
      this.worker.on('exit', (code) => fail(lambdaError('Runtime.ExitError', `Runtime exited with error: exit status ${code}`)));
    });
    this.ready.catch(() => undefined);
  }

  invoke(event: string, deadline: number): Promise<string> {
    const id = this.nextId++;
    return new Promise<string>((resolveResult, reject) => {
      this.pending.set(id, { resolve: resolveResult, reject });
      const message: ToWorker = { type: 'invoke', id, requestId: randomUUID(), event, deadline };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/**
 * Hosts the catalogue's handlers as Lambda does: each function in its own
 * sandboxes (worker threads, one invocation at a time each) with its own module
 * instances, its own environment (the cloud's base variables and the function's
 * own, nothing of the others) and credentials that name it, so the authorizing
 * proxies hold it to its grants. Invoked with a JSON-serialised event, a Lambda
 * context and the catalogue's timeout, errors surfaced with Lambda's
 * `errorType` / `errorMessage` shape; a timed-out sandbox is replaced.
 */
export class LocalFunctions {
  private readonly specs: ReadonlyMap<string, FunctionSpec>;
  private readonly idle = new Map<string, Sandbox[]>();
  private readonly all = new Set<Sandbox>();
  private readonly loadedIds = new Set<string>();
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly region: string,
    private readonly accountId: string,
    private readonly options: LocalFunctionsOptions = {},
  ) {
    this.specs = new Map((options.functions ?? FUNCTIONS).map((spec) => [spec.id, spec]));
  }

  arn(id: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${id}`;
  }

  /** The environment a function's sandboxes get. */
  environment(id: string): Record<string, string> {
    const spec = this.specs.get(id);
    if (!spec) throw new Error(`Unknown function ${id}`);
    return {
      ...this.options.baseEnv,
      ...this.options.environment?.(spec),
      AWS_ACCESS_KEY_ID: functionAccessKey(spec.id),
      AWS_SECRET_ACCESS_KEY: FUNCTION_SECRET,
    };
  }

  /**
   * Starts one sandbox per function and waits for each to import its handler, so a broken
   * handler fails here instead of on a request.
   */
  async load(): Promise<void> {
    const results = await Promise.allSettled(this.warm());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Starts one sandbox per function that has none, without waiting: invocations take a warming
   * sandbox and wait for its cold start. Returns each one's readiness, failing with the handler's
   * init error (which its invocations also answer, as on Lambda).
   */
  warm(): Promise<void>[] {
    return [...this.specs.values()].map((spec) => {
      const idle = this.idle.get(spec.id);
      const sandbox = idle?.length ? idle[0] : this.start(spec);
      if (!idle?.includes(sandbox)) this.release(spec.id, sandbox);
      return sandbox.ready.then(
        () => {
          this.loadedIds.add(spec.id);
        },
        (error: Error) => {
          throw new Error(`${spec.entry} failed to load: ${error.message}`);
        },
      );
    });
  }

  /**
   * {@link warm}, but at most `concurrency` cold starts at a time: API functions first,
   * then pipeline steps, then event functions (the photo validator loads TensorFlow.js),
   * so on a 2-core machine the first requests after start-up do not queue behind every
   * cold start at once. A function invoked before its turn starts its own sandbox, as
   * on Lambda, and is then skipped here.
   */
  warmGradually(concurrency = 2): Promise<void>[] {
    const rank = (spec: FunctionSpec) => ({ api: 0, pipeline: 1, event: 2 })[spec.capability] ?? 3;
    const specs = [...this.specs.values()];
    const queue = [...specs].sort((a, b) => rank(a) - rank(b));
    const done = new Map(specs.map((spec) => [spec.id, deferred()]));
    const next = async (): Promise<void> => {
      for (let spec = queue.shift(); spec && !this.closed; spec = queue.shift()) {
        const settle = done.get(spec.id)!;
        const started = [...this.all].some((sandbox) => sandbox.functionId === spec.id);
        if (started) {
          settle.resolve();
          continue;
        }
        const sandbox = this.start(spec);
        this.release(spec.id, sandbox);
        await sandbox.ready.then(
          () => {
            this.loadedIds.add(spec.id);
            settle.resolve();
          },
          (error: Error) => settle.reject(new Error(`${spec.entry} failed to load: ${error.message}`)),
        );
      }
      for (const spec of queue.splice(0)) done.get(spec.id)!.resolve();
    };
    for (let i = 0; i < concurrency; i++) void next();
    return specs.map((spec) => done.get(spec.id)!.promise);
  }

  /** IDs of the functions whose handlers are loaded and invocable. */
  loaded(): string[] {
    return [...this.loadedIds];
  }

  /** Invokes by function ID or ARN. */
  async invoke(idOrArn: string, payload: unknown): Promise<unknown> {
    const id = idOrArn.startsWith('arn:') ? idOrArn.split(':').at(-1)! : idOrArn;
    const spec = this.specs.get(id);
    if (!spec || this.closed) throw lambdaError('ResourceNotFoundException', `Function not found: ${idOrArn}`);
    const event = JSON.stringify(payload ?? null);
    const sandbox = this.idle.get(id)?.pop() ?? this.start(spec);
    // The init phase has its own limit on Lambda; the function's timeout counts from the invocation.
    await sandbox.ready;
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(lambdaError('Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds}.00 seconds`));
      }, spec.timeoutSeconds * 1000);
    });
    try {
      const result = await Promise.race([sandbox.invoke(event, deadline), timeout]);
      return JSON.parse(result) as unknown;
    } finally {
      clearTimeout(timer);
      // Lambda ends a timed-out sandbox; the next invocation gets a new one.
      if (timedOut) this.discard(sandbox);
      else this.release(id, sandbox);
    }
  }

  /** Ends every sandbox. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.clear();
    await Promise.all([...this.all].map((sandbox) => sandbox.terminate()));
    this.all.clear();
  }

  private start(spec: FunctionSpec): Sandbox {
    const data: WorkerData = {
      functionId: spec.id,
      arn: this.arn(spec.id),
      memoryMb: spec.memoryMb,
      entry: pathToFileURL(resolve(this.root, spec.entry)).href,
      entryName: spec.entry,
    };
    const onLog = this.options.onLog ?? ((_id, line, stream) => process[stream].write(`${line}\n`));
    const sandbox = new Sandbox(spec, data, this.environment(spec.id), onLog);
    this.all.add(sandbox);
    sandbox.ready.catch(() => this.discard(sandbox));
    return sandbox;
  }

  private release(id: string, sandbox: Sandbox): void {
    if (sandbox.dead || this.closed) return this.discard(sandbox);
    const idle = this.idle.get(id) ?? [];
    idle.push(sandbox);
    this.idle.set(id, idle);
  }

  private discard(sandbox: Sandbox): void {
    this.all.delete(sandbox);
    for (const idle of this.idle.values()) {
      const at = idle.indexOf(sandbox);
      if (at >= 0) idle.splice(at, 1);
    }
    void sandbox.terminate();
  }
}

/** Step Functions reports a Lambda error with the function's errorType as Error and a JSON Cause. */
function lambdaError(errorType: string, errorMessage: string): Error {
  return named(JSON.stringify({ errorType, errorMessage }), errorType);
}

function named(message: string, name: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A promise with its settle functions. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
