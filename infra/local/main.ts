import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolvePorts, startLocalCloud, type LocalCloud } from './cloud';
import { ENDPOINTS_FILE, LOCAL_DIR } from './endpoints';
import { StartupError } from './processes';

/**
 * `npm start`: the whole platform on this machine. Options:
 *   --data-dir DIR        where data persists (default .local/data)
 *   --endpoints-file F    where URLs and demo accounts are written (default .local/endpoints.json)
 *   --auto-ports          pick free ports instead of the defaults / PORT_* variables
 *   --quiet               print only the ready line and errors
 */
async function main(): Promise<void> {
  const started = Date.now();
  // aws-local-stepfunctions uses Promise.withResolvers (Node 22+); `npm start` runs the project's pinned Node 24.
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    console.error(`\nThe local cloud needs Node.js 22 or newer; this is ${process.version}. Start it with \`npm start\`, which uses the project's own Node.js 24 from node_modules.\n`);
    process.exit(1);
  }
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: `${LOCAL_DIR}/data` },
      'endpoints-file': { type: 'string', default: ENDPOINTS_FILE },
      'auto-ports': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  const root = resolve(__dirname, '..', '..');
  const quiet = values.quiet;
  const log = (line: string) => {
    if (!quiet) console.log(`  ${line}`);
  };

  let cloud: LocalCloud | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (!quiet) console.log('\nStopping the local cloud …');
    await cloud?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    cloud = await startLocalCloud({
      root,
      dataDir: resolve(root, values['data-dir']),
      endpointsFile: resolve(root, values['endpoints-file']),
      ports: await resolvePorts(values['auto-ports']),
      log,
    });
  } catch (error) {
    if (error instanceof StartupError) {
      console.error(`\nThe local cloud could not start:\n  ${error.message}\n`);
      process.exit(1);
    }
    console.error(`\nThe local cloud could not start: ${(error as Error).message}`);
    if (process.env.DEBUG) console.error(error);
    else console.error('Run with DEBUG=1 for the full error.');
    process.exit(1);
  }

  const e = cloud.endpoints;
  if (!quiet) {
    const pad = (s: string) => s.padEnd(16);
    console.log(`
Headshot studio — local cloud

  ${pad('Web app')}${e.web}
  ${pad('API')}${e.api}/v1  (OpenAPI at ${e.api}/v1/openapi.json)
  ${pad('API docs')}${e.web}/#/docs
  ${pad('Cognito')}${e.cognito.endpoint}  (pool ${e.cognito.userPoolId}, client ${e.cognito.clientId})
  ${pad('DynamoDB')}${e.dynamodb}  (table ${e.tableName})
  ${pad('S3')}${e.s3}  (buckets ${Object.values(e.buckets).join(', ')})
  ${pad('Step Functions')}${e.stepfunctions}
  ${pad('Stripe')}${e.stripe.url}  (test key and webhook secret in ${values['endpoints-file']})
  ${pad('fal.ai')}${e.fal.url}  (the image provider's stand-in)
  ${pad('Media (CDN)')}${e.media.url}  (delivered headshots, to signed links only)
  ${pad('Review')}${e.web}/#/review  (sign in as the artist or the admin)
  ${pad('Outbox')}${e.outbox.page}  (e-mail the studio and Cognito would have sent)

Demo accounts (local only, 500 credits each):
${e.users.map((u) => `  ${pad(u.role)}${u.email.padEnd(24)}${u.password}`).join('\n')}

Endpoints and accounts are also in ${values['endpoints-file']}. Data persists in ${values['data-dir']}. Ctrl-C stops everything.`);
  }
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s — open ${e.web}`);

  const reason = await cloud.crashed;
  console.error(`\n${reason} Stopping the rest.`);
  await shutdown(1);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
