import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionSpec } from '../catalogue';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Hosts the catalogue's handlers in this process, invoked the way Lambda does:
 * a JSON-serialised event, a Lambda context, the catalogue's timeout, and
 * errors surfaced with Lambda's `errorType` / `errorMessage` shape.
 */
export class LocalFunctions {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly root: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  arn(id: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${id}`;
  }

  /** Imports every handler once, so a broken handler stops start-up instead of a request. */
  async load(): Promise<void> {
    for (const spec of FUNCTIONS) {
      const mod = (await import(resolve(this.root, spec.entry))) as { handler?: Handler; default?: { handler?: Handler } };
      const handler = mod.handler ?? mod.default?.handler;
      if (typeof handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
      this.handlers.set(spec.id, handler);
    }
  }

  /** IDs of the functions whose handlers are loaded and invocable. */
  loaded(): string[] {
    return [...this.handlers.keys()];
  }

  /** Invokes by function ID or ARN. */
  async invoke(idOrArn: string, payload: unknown): Promise<unknown> {
    const id = idOrArn.startsWith('arn:') ? idOrArn.split(':').at(-1)! : idOrArn;
    const spec = FUNCTIONS.find((f) => f.id === id);
    const handler = this.handlers.get(id);
    if (!spec || !handler) throw lambdaError('ResourceNotFoundException', `Function not found: ${idOrArn}`);
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    const event = JSON.parse(JSON.stringify(payload ?? null));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(lambdaError('Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds}.00 seconds`)), spec.timeoutSeconds * 1000);
    });
    try {
      const result = await Promise.race([handler(event, this.context(spec, deadline)), timeout]);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      const err = error as Error;
      if (err.message?.startsWith('{"errorType"')) throw err;
      throw lambdaError(err.name || 'Error', err.message ?? String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private context(spec: FunctionSpec, deadline: number): Context {
    const name = spec.id;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arn(name),
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/${name}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}

/** Step Functions reports a Lambda error with the function's errorType as Error and a JSON Cause. */
function lambdaError(errorType: string, errorMessage: string): Error {
  const error = new Error(JSON.stringify({ errorType, errorMessage }));
  error.name = errorType;
  return error;
}
