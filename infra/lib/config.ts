import { createPublicKey } from 'node:crypto';
import * as path from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { API_THROTTLE } from '../catalogue/api';

/** The repository root; catalogue entries (`functions/…`, `statemachines/…`, `web/dist`) are relative to it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Log levels the Powertools logger understands. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Everything that differs between deployments of the studio. Built once, by the
 * app entry (`infra/bin/app.ts`) from CDK context, and handed down to every
 * stack and construct; nothing below the entry reads context or environment.
 */
export interface StageConfig {
  /** Application name: prefix of the stack names and the `app` cost tag. */
  readonly appName: string;
  /** Stage name, e.g. `dev`, `prod`; part of the stack names and the `stage` tag. */
  readonly stage: string;
  /**
   * Account and region to deploy to.
   * @default - environment-agnostic stacks (the CLI's default account and region)
   */
  readonly env?: { readonly account?: string; readonly region?: string };
  /**
   * A stage whose data may be thrown away with it (a feature branch, a test
   * run). Only an ephemeral stage defaults to `removalPolicy: 'destroy'`.
   * @default false
   */
  readonly ephemeral: boolean;
  /**
   * What happens to stateful resources (table, buckets, user pool, log groups)
   * when their stack is deleted. `retain` also turns on table and user pool
   * deletion protection; `destroy` empties and deletes buckets.
   * @default 'retain', or 'destroy' for an ephemeral stage
   */
  readonly removalPolicy: 'retain' | 'destroy';
  /** How long CloudWatch Logs keep function, state machine and API access logs. */
  readonly logRetentionDays: RetentionDays;
  /** Powertools log level of every function. */
  readonly logLevel: LogLevel;
  /** CloudWatch metrics namespace the functions publish business metrics to. */
  readonly metricsNamespace: string;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription; alarms still publish to the topic
   */
  readonly alarmEmail?: string;
  /**
   * The address the studio's e-mail comes from (invitations, order news). The
   * stateful stack creates an SES identity for it, and SES e-mails the address
   * a link that verifies it; until then, and while the account is in the SES
   * sandbox, only verified recipients receive mail.
   */
  readonly mailFrom: string;
  /** Steady-state request rate (requests/second) of the HTTP API's default stage. */
  readonly apiRateLimit: number;
  /** Burst capacity (requests) of the HTTP API's default stage. */
  readonly apiBurstLimit: number;
  /**
   * Cognito Plus feature plan with threat protection enforced. Billed per
   * monthly active user, so it is on for `prod` and off elsewhere by default.
   */
  readonly threatProtection: boolean;
  /**
   * ARN of a WAFv2 web ACL (scope CLOUDFRONT, created in us-east-1) for the
   * web distribution and the media distribution (delivered images).
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Origins allowed to POST uploads straight to the uploads bucket (a custom
   * domain of the site, say). Every upload is also bound by its presigned POST
   * policy (key, content type, size).
   * @default - the web site's CloudFront origin, set after the site exists
   */
  readonly uploadCorsOrigins?: readonly string[];
  /**
   * Public half of the key pair that signs links to delivered images: a PEM
   * `-----BEGIN PUBLIC KEY-----` block of an RSA 2048 key (CloudFront's
   * requirement). The media distribution trusts only it (a key group), and the
   * functions sign with the private half, which an operator puts in the
   * `MediaCdn` signing-key secret together with the key's ID (stack output
   * `MediaSigningKeyPairId`). Context `mediaSigningPublicKey`: cdk.json holds a
   * placeholder for `dev` whose private key was discarded, so an operator
   * replaces it with the public key of a pair they generated. A new key gets a
   * new key pair ID (CloudFront cannot change a public key in place).
   * @default - none: the stateful stack refuses to synthesize without it
   */
  readonly mediaSigningPublicKey?: string;
}

/**
 * Defaults shared by every stage; `prod` overrides the cost trade-offs. Data is
 * kept for every stage unless it is marked ephemeral.
 */
export function defaultStageConfig(stage = 'dev', ephemeral = false): StageConfig {
  const prod = stage === 'prod';
  return {
    appName: 'HeadshotStudio',
    stage,
    ephemeral,
    removalPolicy: ephemeral ? 'destroy' : 'retain',
    logRetentionDays: prod ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
    logLevel: prod ? 'INFO' : 'DEBUG',
    metricsNamespace: 'HeadshotStudio',
    mailFrom: `studio@${stage}.headshots.example.com`,
    apiRateLimit: (prod ? API_THROTTLE.prod : API_THROTTLE.default).rateLimit,
    apiBurstLimit: (prod ? API_THROTTLE.prod : API_THROTTLE.default).burstLimit,
    threatProtection: prod,
  };
}

/** Fills a partial config with the defaults of its stage and checks it. */
export function resolveStageConfig(partial: Partial<StageConfig> = {}): StageConfig {
  const config: StageConfig = { ...defaultStageConfig(partial.stage, partial.ephemeral), ...stripUndefined(partial) };
  if (config.stage === 'prod' && config.ephemeral) throw new Error('The prod stage cannot be ephemeral.');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(config.stage)) {
    throw new Error(`Stage "${config.stage}" must be lower-case letters, digits and dashes, starting with a letter (max 20).`);
  }
  if (!(Object.values(RetentionDays) as number[]).includes(config.logRetentionDays)) {
    throw new Error(`logRetentionDays ${config.logRetentionDays} is not a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, …).`);
  }
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(config.mailFrom)) throw new Error(`mailFrom "${config.mailFrom}" is not an e-mail address.`);
  if (config.apiRateLimit <= 0 || config.apiBurstLimit <= 0) throw new Error('API rate and burst limits must be positive.');
  if (config.mediaSigningPublicKey === undefined) return config;
  return { ...config, mediaSigningPublicKey: checkedSigningPublicKey(config.mediaSigningPublicKey) };
}

/**
 * The signing public key as CloudFront takes it (PEM with real line breaks; a
 * `\n` typed on a command line becomes one), or an error naming what is wrong.
 * A private key is refused outright: Node would derive its public half, but a
 * private key must never sit in context or in a template.
 */
function checkedSigningPublicKey(value: string): string {
  const pem = `${value.replace(/\\n/g, '\n').trim()}\n`;
  if (/PRIVATE KEY/.test(pem)) throw new Error('mediaSigningPublicKey holds a private key; give the public key (openssl pkey -pubout) and put the private key in the signing-key secret.');
  if (!pem.startsWith('-----BEGIN PUBLIC KEY-----')) throw new Error('mediaSigningPublicKey must be a PEM "-----BEGIN PUBLIC KEY-----" block.');
  let details: { type?: string; bits?: number };
  try {
    const key = createPublicKey(pem);
    details = { type: key.asymmetricKeyType, bits: key.asymmetricKeyDetails?.modulusLength };
  } catch (error) {
    throw new Error(`mediaSigningPublicKey is not a readable PEM public key: ${(error as Error).message}`, { cause: error });
  }
  if (details.type !== 'rsa' || details.bits !== 2048) {
    throw new Error(`mediaSigningPublicKey must be an RSA 2048 key (CloudFront signed URLs); it is ${details.type ?? 'unknown'} ${details.bits ?? ''}`.trim() + '.');
  }
  return pem;
}

/** The CDK removal policy for a stage's stateful resources. */
export function removalPolicyOf(config: Pick<StageConfig, 'removalPolicy'>): RemovalPolicy {
  return config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
