import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DemoUser, LocalEndpoints } from '../../infra/local/endpoints';

const ROOT = resolve(__dirname, '..', '..');

export interface RunningCloud {
  readonly endpoints: LocalEndpoints;
  /** Folder with this cloud's data and its log (cloud.log). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the local cloud exactly as `npm start` does, in a child process, on
 * free ports with a fresh data folder, and waits for its ready line.
 */
export async function startLocalCloud(options: CloudOptions = {}): Promise<RunningCloud> {
  try {
    return await startOnce(options);
  } catch (error) {
    // Free ports are picked, then bound a moment later: on a busy machine another process can
    // take one in between, and the cloud stops before it is ready. Once more, on new ports,
    // and the first failure stays on the record.
    if (!(error instanceof ExitedBeforeReady) || options.dataDir) throw error;
    console.warn(`The local cloud stopped before it was ready; starting it once more on other ports.\n${error.message}`);
    return startOnce(options);
  }
}

interface CloudOptions {
  readonly dataDir?: string;
  readonly keepData?: boolean;
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

class ExitedBeforeReady extends Error {}

async function startOnce(options: CloudOptions): Promise<RunningCloud> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'headshot-cloud-'));
  const endpointsFile = join(dataDir, 'endpoints.json');
  const log = createWriteStream(join(dataDir, 'cloud.log'), { flags: 'a' });
  // The project's pinned Node (aws-local-stepfunctions needs Node 22+), whatever runs the tests.
  const child: ChildProcess = spawn(
    join(ROOT, 'node_modules', '.bin', 'node'),
    ['--import', 'tsx', 'infra/local/main.ts', '--auto-ports', '--data-dir', join(dataDir, 'data'), '--endpoints-file', endpointsFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Tests poll the API several times a second as one demo person: raise a signed-in person's rate
      // limit (100 a minute on AWS) unless a test asks for another. API keys keep their own limits.
      env: { SIGNED_IN_RATE_LIMIT_PER_MINUTE: '100000', ...process.env, ...options.env, POWERTOOLS_LOG_LEVEL: 'WARN' },
    },
  );
  let output = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`The local cloud was not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      log.write(chunk);
      if (output.includes('Ready in')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new ExitedBeforeReady(`The local cloud exited with code ${code} before it was ready:\n${output}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    // Ctrl-C first so it stops its services; its keepers end them even if it must be killed.
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    throw error;
  }
  const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as LocalEndpoints;
  return {
    endpoints,
    dataDir,
    stop: async () => {
      // A cloud that died (killed by a signal, or the OOM killer) has no exit left to wait for.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      log.end();
      if (!options.keepData && !process.env.KEEP_CLOUD_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through Cognito's InitiateAuth (USER_PASSWORD_AUTH) and returns the ID token. */
export async function signIn(endpoints: LocalEndpoints, user: DemoUser): Promise<string> {
  const res = await fetch(`${endpoints.cognito.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: endpoints.cognito.clientId,
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  });
  const body = (await res.json()) as { AuthenticationResult?: { IdToken: string } };
  if (!body.AuthenticationResult) throw new Error(`Sign-in failed for ${user.email}: ${JSON.stringify(body)}`);
  return body.AuthenticationResult.IdToken;
}

export function demoUser(endpoints: LocalEndpoints, role: DemoUser['role']): DemoUser {
  const user = endpoints.users.find((u) => u.role === role);
  if (!user) throw new Error(`No demo ${role}`);
  return user;
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
