import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/*
 * The Powertools trio, one of each per container. Service name and namespace
 * come from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE, which the
 * AppFunction construct sets per function.
 */

/** Structured JSON logs; the handler chains add the Lambda context and caller. */
export const logger = new Logger();

/** X-Ray traces: the handler chains open a segment per invocation; every SDK client is captured. */
export const tracer = new Tracer();

/**
 * Business metrics as CloudWatch embedded metric format, flushed by the handler
 * chains. Most invocations record none; that empty flush is normal, so its
 * warning goes to the debug level instead of every request's log.
 */
export const metrics = new Metrics({
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0]), ...args.slice(1).map(asLogItem)),
    info: (...args: unknown[]) => logger.info(String(args[0]), ...args.slice(1).map(asLogItem)),
    error: (...args: unknown[]) => logger.error(String(args[0]), ...args.slice(1).map(asLogItem)),
    warn: (...args: unknown[]) =>
      String(args[0]).startsWith('No application metrics to publish')
        ? logger.debug(String(args[0]))
        : logger.warn(String(args[0]), ...args.slice(1).map(asLogItem)),
  },
});

function asLogItem(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { detail: String(value) };
}

export { MetricUnit } from '@aws-lambda-powertools/metrics';
