import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { FromWorker, ToWorker, WorkerData } from './protocol';

/**
 * One function's sandbox: a worker thread with its own module instances and
 * environment, importing the handler once (the cold start) and serving
 * invocations the parent sends, as the Lambda runtime does.
 */
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const data = workerData as WorkerData;
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

function describe(error: unknown): { errorType: string; errorMessage: string } {
  const err = error as Error | undefined;
  if (err instanceof Error) return { errorType: err.name || 'Error', errorMessage: err.message };
  return { errorType: 'Error', errorMessage: String(error) };
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    const mod = (await import(data.entry)) as { handler?: Handler; default?: { handler?: Handler } };
    const found = mod.handler ?? mod.default?.handler;
    if (typeof found !== 'function') throw Object.assign(new Error(`${data.entryName} does not export a handler`), { name: 'Runtime.HandlerNotFound' });
    handler = found;
  } catch (error) {
    post({ type: 'init-error', ...describe(error) });
    return;
  }
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'invoke') return;
    const { id, deadline } = message;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: data.functionId,
      functionVersion: '$LATEST',
      invokedFunctionArn: data.arn,
      memoryLimitInMB: String(data.memoryMb),
      awsRequestId: message.requestId,
      logGroupName: `/aws/lambda/${data.functionId}`,
      logStreamName: `local/${data.functionId}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    Promise.resolve()
      .then(() => handler(JSON.parse(message.event) as unknown, context))
      .then(
        (result) => post({ type: 'result', id, ok: true, payload: result === undefined ? 'null' : JSON.stringify(result) }),
        (error: unknown) => post({ type: 'result', id, ok: false, ...describe(error) }),
      );
  });
  post({ type: 'ready' });
}

void main();
