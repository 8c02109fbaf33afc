import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './powertools';

/**
 * Wraps a pipeline task handler: Powertools logger, tracer and metrics; errors
 * propagate to Step Functions, whose Retry and Catch decide what happens.
 */
export function taskHandler<I, O>(fn: (input: I) => Promise<O>) {
  return middy<I, O, Error, Context>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((input) => fn(input));
}
