/**
 * The web app's Content-Security-Policy, shared by the CloudFront response
 * headers policy and the local web server, so the browser tests run the app
 * under the policy it gets in production.
 */
export function contentSecurityPolicy(options: {
  /** Sources the app may fetch from besides itself: the API, Cognito, the uploads bucket. */
  readonly connectSources: readonly string[];
  /** Sources of images besides itself: the buckets whose signed links the app shows (photos, studio images). */
  readonly imageSources?: readonly string[];
  /** Upgrade http subresources to https; on for the CloudFront site, off for the plain-http local one. */
  readonly upgradeInsecureRequests: boolean;
}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", 'data:', 'blob:', ...(options.imageSources ?? [])].join(' ')}`,
    "font-src 'self'",
    `connect-src ${["'self'", ...options.connectSources].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.upgradeInsecureRequests ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}
