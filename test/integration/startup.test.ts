import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** Runs `npm start`'s entry point and returns its exit code and output. */
function start(env: NodeJS.ProcessEnv, dataDir: string) {
  const result = spawnSync(NODE, ['--import', 'tsx', 'infra/local/main.ts', '--data-dir', dataDir, '--endpoints-file', join(dataDir, 'endpoints.json')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('local cloud start-up problems', () => {
  let dataDir: string;
  let server: Server;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'headshot-startup-'));
  });

  afterEach(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await new Promise<void>((r) => (server?.listening ? server.close(() => r()) : r()));
  });

  it('names a taken port, the service and the variable to change, without a stack trace', async () => {
    // Prepare
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;

    // Act
    const { status, output } = start({ PORT_API: String(port) }, dataDir);

    // Assess
    expect(status).toBe(1);
    expect(output).toContain(`Port ${port} for api is already in use`);
    expect(output).toContain('PORT_API=<port>');
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it('says Java is missing and how to install it, without a stack trace', () => {
    // Act: a PATH without java (the pinned node is called by its full path)
    const { status, output } = start({ PATH: '/nonexistent' }, dataDir);

    // Assess
    expect(status).toBe(1);
    expect(output).toContain('DynamoDB Local needs Java');
    expect(output).toContain('openjdk-17-jdk-headless');
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);
});
