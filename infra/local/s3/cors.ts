import type { CORSConfiguration } from '@aws-sdk/client-s3';
import type { CorsRule } from 'aws-cdk-lib/aws-s3';

/**
 * A bucket's CORS rules locally: the CDK rules a stage deploys (for the uploads
 * bucket, `uploadCorsRule` of infra/lib/constructs/media-buckets.ts), written to
 * s3rver with PutBucketCors as `UploadsCors` writes them on AWS, so preflights
 * and s3rver's own answers carry S3's CORS headers; and the same headers on the
 * errors the S3 front answers itself (a refused form upload), which S3 also
 * sends with the matching rule's headers, so the page can read why.
 */

/** A bucket's rules as PutBucketCors takes them (the mapping `UploadsCors` uses). */
export function corsConfiguration(rules: readonly CorsRule[]): CORSConfiguration {
  return {
    CORSRules: rules.map((rule) => ({
      ...(rule.id ? { ID: rule.id } : {}),
      AllowedMethods: [...rule.allowedMethods],
      AllowedOrigins: [...rule.allowedOrigins],
      ...(rule.allowedHeaders ? { AllowedHeaders: [...rule.allowedHeaders] } : {}),
      ...(rule.exposedHeaders ? { ExposeHeaders: [...rule.exposedHeaders] } : {}),
      ...(rule.maxAge !== undefined ? { MaxAgeSeconds: rule.maxAge } : {}),
    })),
  };
}

/** S3's wildcard match of an origin: at most one `*`, any run of characters. */
function originMatches(pattern: string, origin: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(origin);
}

/**
 * The CORS headers S3 adds to the answer of an actual (not preflight) request
 * from `origin`: those of the first rule allowing the origin and the method
 * (none when no rule does, or the request has no Origin).
 */
export function corsResponseHeaders(rules: readonly CorsRule[] | undefined, origin: string | undefined, method: string): Record<string, string> {
  if (!rules || !origin) return {};
  const rule = rules.find((r) => r.allowedOrigins.some((pattern) => originMatches(pattern, origin)) && r.allowedMethods.some((m) => m === method.toUpperCase()));
  if (!rule) return {};
  const wildcard = rule.allowedOrigins.includes('*');
  return {
    'access-control-allow-origin': wildcard ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    ...(rule.exposedHeaders?.length ? { 'access-control-expose-headers': rule.exposedHeaders.join(', ') } : {}),
    ...(rule.maxAge !== undefined ? { 'access-control-max-age': String(rule.maxAge) } : {}),
    ...(wildcard ? {} : { 'access-control-allow-credentials': 'true' }),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}
