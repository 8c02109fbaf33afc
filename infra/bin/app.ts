/**
 * The CDK app entry (`cdk synth`, `cdk deploy` run it through cdk.json). The
 * only place that reads CDK context and the environment; everything below
 * receives one typed StageConfig.
 *
 * Context (`-c key=value` or cdk.json):
 *   stage             stage name (default `dev`); `prod` retains data and enables threat protection
 *   alarmEmail        e-mail address subscribed to the alarm topic
 *   mailFrom          the studio's sender address (an SES identity is created for it; SES e-mails it a verification link)
 *   logRetentionDays  CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, …)
 *   ephemeral         `true` for a stage whose data may be destroyed with it (default false: data is retained)
 *   removalPolicy     `retain` | `destroy` for stateful resources (default retain, destroy when ephemeral)
 *   logLevel          DEBUG | INFO | WARN | ERROR
 *   threatProtection  `true` | `false`: Cognito Plus plan with threat protection
 *   webAclArn         WAFv2 web ACL (CLOUDFRONT scope) for the web distribution
 *   apiRateLimit, apiBurstLimit   HTTP API default-stage throttling
 *   uploadCorsOrigins comma-separated origins allowed to POST to the uploads bucket (default: the site's own origin)
 *   mediaSigningPublicKey  PEM (RSA 2048) public key CloudFront checks delivered-image links against; its private half goes in the signing-key secret
 */
import { App } from 'aws-cdk-lib';
import { composeApp } from '../lib/app';
import { type LogLevel, resolveStageConfig, type StageConfig } from '../lib/config';

const app = new App();

const text = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
};
const number = (key: string): number | undefined => {
  const value = text(key);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`Context ${key}=${value} is not a number.`);
  return parsed;
};
const flag = (key: string): boolean | undefined => {
  const value = text(key);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new Error(`Context ${key}=${value} must be true or false.`);
  return value === 'true';
};
const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
  const value = text(key);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`Context ${key}=${value} must be one of ${allowed.join(', ')}.`);
  return value as T;
};

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

const config: StageConfig = resolveStageConfig({
  stage: text('stage') ?? 'dev',
  env: account || region ? { account, region } : undefined,
  alarmEmail: text('alarmEmail'),
  mailFrom: text('mailFrom'),
  logRetentionDays: number('logRetentionDays'),
  ephemeral: flag('ephemeral'),
  removalPolicy: oneOf('removalPolicy', ['retain', 'destroy'] as const),
  logLevel: oneOf<LogLevel>('logLevel', ['DEBUG', 'INFO', 'WARN', 'ERROR']),
  threatProtection: flag('threatProtection'),
  webAclArn: text('webAclArn'),
  apiRateLimit: number('apiRateLimit'),
  apiBurstLimit: number('apiBurstLimit'),
  mediaSigningPublicKey: text('mediaSigningPublicKey'),
  uploadCorsOrigins: text('uploadCorsOrigins')
    ?.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
});

composeApp(app, config);
