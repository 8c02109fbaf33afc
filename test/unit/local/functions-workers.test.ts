import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionSpec } from '../../../infra/catalogue';
import { functionAccessKey, LocalFunctions } from '../../../infra/local/functions';

jest.setTimeout(60_000);

/** Handlers written for this test: each runs in its own worker, as the catalogue's do. */
const HANDLERS: Record<string, string> = {
  'echo.handler.ts': `
    let calls = 0;
    (globalThis as Record<string, unknown>).shared = 'echo';
    export const handler = async (event: unknown, context: { functionName: string; getRemainingTimeInMillis(): number }) => ({
      event,
      calls: ++calls,
      functionName: context.functionName,
      remaining: context.getRemainingTimeInMillis(),
      env: { ...process.env },
      shared: (globalThis as Record<string, unknown>).shared,
    });`,
  'other.handler.ts': `
    export const handler = async () => ({ shared: (globalThis as Record<string, unknown>).shared ?? null, env: { ...process.env } });`,
  'slow.handler.ts': `
    let calls = 0;
    export const handler = async (event: { ms: number }) => {
      calls += 1;
      await new Promise((r) => setTimeout(r, event.ms));
      return { calls };
    };`,
  'throws.handler.ts': `
    class OrderNotFound extends Error { name = 'OrderNotFound'; }
    export const handler = async () => { throw new OrderNotFound('no such order'); };`,
  'init-fails.handler.ts': `
    if (!process.env.NEEDED) throw new Error('Missing environment variable NEEDED');
    export const handler = async () => 'never';`,
  'logs.handler.ts': `
    export const handler = async () => { console.log(JSON.stringify({ level: 'WARN', message: 'from the worker' })); return 'ok'; };`,
};

const spec = (id: string, file: string, over: Partial<FunctionSpec> = {}): FunctionSpec =>
  ({ id, entry: `handlers/${file}`, description: id, capability: 'api', memoryMb: 256, timeoutSeconds: 5, grants: {}, ...over }) as FunctionSpec;

describe('LocalFunctions: each function in its own worker', () => {
  const root = mkdtempSync(join(tmpdir(), 'functions-workers-'));
  mkdirSync(join(root, 'handlers'));
  for (const [file, text] of Object.entries(HANDLERS)) writeFileSync(join(root, 'handlers', file), text);
  const logs: { id: string; line: string }[] = [];
  const functions = new LocalFunctions(root, 'us-east-1', '000000000000', {
    functions: [
      spec('Echo', 'echo.handler.ts'),
      spec('Other', 'other.handler.ts'),
      spec('Slow', 'slow.handler.ts', { timeoutSeconds: 1 }),
      spec('TimesOut', 'slow.handler.ts', { timeoutSeconds: 1 }),
      spec('Throws', 'throws.handler.ts'),
      spec('InitFails', 'init-fails.handler.ts'),
      spec('Logs', 'logs.handler.ts'),
    ],
    baseEnv: { AWS_REGION: 'us-east-1', BASE: 'base' },
    environment: (s): Record<string, string> => (s.id === 'Echo' ? { TABLE_NAME: 'echo-table' } : { OTHER_ONLY: 'other' }),
    onLog: (id, line) => logs.push({ id, line }),
  });

  afterAll(() => functions.close());

  it('runs a handler with its own environment: the base variables, its own and credentials that name it', async () => {
    const result = (await functions.invoke('Echo', { hello: 'world' })) as { event: unknown; functionName: string; env: Record<string, string> };
    expect(result.event).toEqual({ hello: 'world' });
    expect(result.functionName).toBe('Echo');
    expect(result.env).toMatchObject({ AWS_REGION: 'us-east-1', BASE: 'base', TABLE_NAME: 'echo-table', AWS_ACCESS_KEY_ID: functionAccessKey('Echo') });
    expect(result.env.OTHER_ONLY).toBeUndefined();
    // Nothing of the cloud's own process leaks in.
    expect(result.env.JEST_WORKER_ID).toBeUndefined();
    const other = (await functions.invoke(functions.arn('Other'), {})) as { env: Record<string, string> };
    expect(other.env.TABLE_NAME).toBeUndefined();
    expect(other.env.AWS_ACCESS_KEY_ID).toBe(functionAccessKey('Other'));
    expect(functionAccessKey('Echo')).not.toBe(functionAccessKey('Other'));
  });

  it('keeps module instances apart: a global set by one function is not seen by another', async () => {
    await functions.invoke('Echo', {});
    expect(await functions.invoke('Other', {})).toMatchObject({ shared: null });
    expect((globalThis as Record<string, unknown>).shared).toBeUndefined();
  });

  it('reuses a warm sandbox between invocations, and serves concurrent invocations from separate sandboxes', async () => {
    const first = (await functions.invoke('Echo', {})) as { calls: number };
    const second = (await functions.invoke('Echo', {})) as { calls: number };
    expect(second.calls).toBe(first.calls + 1);
    const both = (await Promise.all([functions.invoke('Slow', { ms: 300 }), functions.invoke('Slow', { ms: 300 })])) as { calls: number }[];
    expect(both.map((r) => r.calls)).toEqual([1, 1]);
  });

  it('gives the handler the remaining time of the catalogue timeout', async () => {
    const { remaining } = (await functions.invoke('Echo', {})) as { remaining: number };
    expect(remaining).toBeGreaterThan(4000);
    expect(remaining).toBeLessThanOrEqual(5000);
  });

  it('answers Sandbox.Timedout after the timeout and replaces the sandbox', async () => {
    const warm = (await functions.invoke('TimesOut', { ms: 0 })) as { calls: number };
    expect(warm.calls).toBe(1);
    await expect(functions.invoke('TimesOut', { ms: 5000 })).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' }),
    });
    // A fresh sandbox: its module state starts again.
    const fresh = (await functions.invoke('TimesOut', { ms: 0 })) as { calls: number };
    expect(fresh.calls).toBe(1);
  });

  it("surfaces a handler's error with Lambda's errorType / errorMessage", async () => {
    await expect(functions.invoke('Throws', {})).rejects.toMatchObject({
      name: 'OrderNotFound',
      message: JSON.stringify({ errorType: 'OrderNotFound', errorMessage: 'no such order' }),
    });
  });

  it('fails an invocation with the init error when the handler cannot load, and load() names the entry', async () => {
    await expect(functions.invoke('InitFails', {})).rejects.toMatchObject({ name: 'Error', message: expect.stringContaining('Missing environment variable NEEDED') });
    await expect(functions.load()).rejects.toThrow(/handlers\/init-fails\.handler\.ts failed to load: .*Missing environment variable NEEDED/);
  });

  it("hands each line a handler logs to the cloud, with the function's ID", async () => {
    await functions.invoke('Logs', {});
    await new Promise((r) => setTimeout(r, 100));
    expect(logs).toContainEqual({ id: 'Logs', line: JSON.stringify({ level: 'WARN', message: 'from the worker' }) });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(functions.invoke('Nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('LocalFunctions.warmGradually', () => {
  const root = mkdtempSync(join(tmpdir(), 'functions-warm-'));
  mkdirSync(join(root, 'handlers'));
  // Each handler records the moment its module was loaded in a file named after it.
  for (const name of ['event', 'pipeline', 'api']) {
    writeFileSync(
      join(root, 'handlers', `${name}.handler.ts`),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(root, `${name}.loaded`))}, String(process.hrtime.bigint()));\nexport const handler = async () => '${name}';`,
    );
  }
  const functions = new LocalFunctions(root, 'us-east-1', '000000000000', {
    functions: [
      spec('Event', 'event.handler.ts', { capability: 'event' }),
      spec('Pipeline', 'pipeline.handler.ts', { capability: 'pipeline' }),
      spec('Api', 'api.handler.ts'),
    ],
    baseEnv: { AWS_REGION: 'us-east-1' },
  });

  afterAll(() => functions.close());

  it('loads one function at a time, API functions first and event functions last', async () => {
    // Act
    await Promise.all(functions.warmGradually(1));
    // Assess
    const { readFileSync } = await import('node:fs');
    const loadedAt = (name: string) => BigInt(readFileSync(join(root, `${name}.loaded`), 'utf8'));
    expect(loadedAt('api')).toBeLessThan(loadedAt('pipeline'));
    expect(loadedAt('pipeline')).toBeLessThan(loadedAt('event'));
    expect(functions.loaded().sort()).toEqual(['Api', 'Event', 'Pipeline']);
    await expect(functions.invoke('Event', {})).resolves.toBe('event');
  });
});
