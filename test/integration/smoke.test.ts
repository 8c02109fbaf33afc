import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startLocalCloud, type RunningCloud } from '../support/local-cloud';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');

/** `npm run smoke -- --local` against a running local cloud, as CI runs it. */
describe('smoke test on the local cloud', () => {
  let cloud: RunningCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud();
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  const smoke = (...args: string[]) =>
    spawnSync('npm', ['run', '--silent', 'smoke', '--', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    });

  it('drives one order from the health check to a confirmed order and exits 0', () => {
    // Act
    const run = smoke('--local', '--endpoints-file', join(cloud.dataDir, 'endpoints.json'));

    // Assess
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    for (const step of [
      'the API answers its health check',
      'the OpenAPI document is served',
      'the marketplace lists a studio with a style',
      'the customer starts an order',
      'six selfies are uploaded straight to S3',
      'every selfie is checked and accepted',
      'the customer submits the order',
      'the pipeline checks the photos, plans the styles and waits at the confirmation gate',
      'the admin confirms it',
      'the order is confirmed and its pipeline succeeds',
    ]) {
      expect(run.stdout).toContain(`✓ ${step}`);
    }
    expect(run.stdout).toMatch(/Passed in [\d.]+ s \(order [0-9a-f-]{36}\)/);
  });

  it('fails with the step and exit code 1 when the stage does not answer', () => {
    // Prepare: an endpoints file whose API is not listening.
    const { writeFileSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const broken = join(cloud.dataDir, 'broken-endpoints.json');
    const endpoints = JSON.parse(readFileSync(join(cloud.dataDir, 'endpoints.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(broken, JSON.stringify({ ...endpoints, api: 'http://127.0.0.1:9' }));

    // Act
    const run = smoke('--local', '--endpoints-file', broken);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('✗ the API answers its health check');
    expect(run.stderr).toContain('Smoke test failed at "the API answers its health check"');
  });

  it('asks for a stage when given none', () => {
    const run = smoke();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--stage');
  });
});
