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
    debug: forwardTo('debug'),
    info: forwardTo('info'),
    error: forwardTo('error'),
    warn: (...args: unknown[]) => forwardTo(String(args[0]).startsWith('No application metrics to publish') ? 'debug' : 'warn')(...args),
  },
});

/** Hands a message of Metrics' console-style logger to the Powertools logger at `level`. */
function forwardTo(level: 'debug' | 'info' | 'warn' | 'error') {
  return (...args: unknown[]) =>
    logger[level](
      String(args[0]),
      ...args.slice(1).map((value) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { detail: String(value) })),
    );
}

export { MetricUnit } from '@aws-lambda-powertools/metrics';
