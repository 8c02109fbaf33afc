/**
 * The yardstick every function bundle is compared with: the smallest honest
 * Lambda handler that uses the AWS SDK — one client, imported and constructed
 * at module scope, as most handlers do. It is bundled in the same run with the
 * same options, so ratios survive esbuild, SDK and machine changes.
 */

export const BASELINE_ID = 'Baseline';
export const BASELINE_DESCRIPTION = 'S3Client from @aws-sdk/client-s3, constructed at module scope';
export const BASELINE_FILE = 'baseline-handler.ts';

export const BASELINE_SOURCE = `\
import { S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

export const handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ region: typeof s3.config.region }),
});
`;

/**
 * The child process that measures one cold module initialisation: the time
 * from just before \`require(bundle)\` to just after it, so Node's own boot is
 * excluded. Like the Lambda runtime, it requires the bundle from another main
 * module and checks that it exports a \`handler\` function. It reports on fd 3,
 * so whatever module-scope code writes to stdout or stderr cannot garble it.
 */
export const RUNNER_FILE = 'measure-init.cjs';

export const RUNNER_SOURCE = `\
'use strict';
const { writeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const bundle = process.argv[2];
let result;
const start = performance.now();
try {
  const mod = require(bundle);
  const ms = performance.now() - start;
  result = typeof (mod && mod.handler) === 'function'
    ? { ms }
    : { error: 'the bundle does not export a handler function' };
} catch (error) {
  result = { error: String((error && error.stack) || error) };
}
writeSync(3, JSON.stringify(result));
// Exit at once: a timer or socket opened at module scope must not hold the sample.
process.exit(result.error ? 1 : 0);
`;

/**
 * The baseline plus what every handler of the project carries: middy and the
 * Powertools trio (Logger, Tracer capturing the client, Metrics), wired as
 * functions/lib does. Its ratio to the baseline is the price of the trio.
 */
export const POWERTOOLS_ID = 'PowertoolsTrio';
export const POWERTOOLS_DESCRIPTION = 'the baseline + middy with Powertools Logger, Tracer (captureAWSv3Client) and Metrics';
export const POWERTOOLS_FILE = 'powertools-handler.ts';

export const POWERTOOLS_SOURCE = `\
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { S3Client } from '@aws-sdk/client-s3';

const logger = new Logger();
const tracer = new Tracer();
const metrics = new Metrics();
const s3 = tracer.captureAWSv3Client(new S3Client({}));

export const handler = middy()
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics))
  .use(injectLambdaContext(logger))
  .handler(async () => ({ statusCode: 200, body: JSON.stringify({ region: typeof s3.config.region }) }));
`;
