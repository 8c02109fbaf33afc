/**
 * The runtime configuration the web app fetches from `/config.json`. On AWS the
 * CDK web stack writes it next to the site; locally the local cloud serves it.
 */
export interface WebConfig {
  /** Base URL of the HTTP API, without a trailing slash. */
  readonly apiUrl: string;
  readonly region: string;
  /** Cognito user pool endpoint, e.g. https://cognito-idp.eu-west-1.amazonaws.com/ */
  readonly cognitoEndpoint: string;
  readonly userPoolClientId: string;
}
