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

/** Business metrics as CloudWatch embedded metric format, flushed by the handler chains. */
export const metrics = new Metrics();

export { MetricUnit } from '@aws-lambda-powertools/metrics';
