import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `npm start` writes to `.local/endpoints.json` for tests and tools to read. */
export interface LocalEndpoints {
  /** The web app (static site + config.json), e.g. http://127.0.0.1:3000 */
  readonly web: string;
  /** The local API front, e.g. http://127.0.0.1:3001 */
  readonly api: string;
  readonly region: string;
  readonly cognito: { readonly endpoint: string; readonly userPoolId: string; readonly clientId: string; readonly issuer: string };
  readonly dynamodb: string;
  readonly s3: string;
  readonly stepfunctions: string;
  /** The local SES v2 endpoint (functions reach it through their authorizing proxy). */
  readonly ses: string;
  /** Where mail lands: one JSON file per message, and the web app's page of them. */
  readonly outbox: { readonly dir: string; readonly page: string };
  /** The local Secrets Manager (functions reach it through their authorizing proxy; tools directly). */
  readonly secretsmanager: string;
  /** The Stripe stand-in: point the `stripe` SDK at `url` with `secretKey`; its events are signed with `webhookSecret`. */
  readonly stripe: { readonly url: string; readonly secretKey: string; readonly webhookSecret: string };
  /** The fal.ai stand-in: its queue API (`PUT /_local/knobs` sets its faults), its webhook keys, and the NDJSON line it writes per request. */
  readonly fal: { readonly url: string; readonly jwksUrl: string; readonly requestLog: string };
  /** The local CloudFront in front of the outputs bucket: it serves delivered images and ZIPs to signed, unexpired links only. */
  readonly media: { readonly url: string; readonly keyPairId: string };
  readonly tableName: string;
  readonly buckets: { readonly uploads: string; readonly outputs: string };
  readonly stateMachines: Readonly<Record<string, string>>;
  readonly users: readonly DemoUser[];
}

export interface DemoUser {
  readonly role: 'customer' | 'admin' | 'artist';
  readonly email: string;
  readonly password: string;
  readonly groups: readonly string[];
}

export const LOCAL_DIR = '.local';
export const ENDPOINTS_FILE = join(LOCAL_DIR, 'endpoints.json');

export function readEndpoints(root = process.cwd()): LocalEndpoints {
  return JSON.parse(readFileSync(join(root, ENDPOINTS_FILE), 'utf8')) as LocalEndpoints;
}
