/**
 * Throttling of the HTTP API's `$default` stage (requests per second and burst),
 * for every route without limits of its own in its contract. The CDK stage and
 * the local API front apply the same numbers.
 */
export const API_THROTTLE = {
  /** Stages other than prod. */
  default: { rateLimit: 20, burstLimit: 40 },
  prod: { rateLimit: 100, burstLimit: 200 },
} as const;
