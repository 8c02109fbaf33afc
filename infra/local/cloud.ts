import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CorsRule } from 'aws-cdk-lib/aws-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import S3rver from 's3rver';
import { createConfirmedUser } from '../cognito-users';
import {
  assertSubstitutions,
  AUTHORIZER_CACHE_TTL_SECONDS,
  type FunctionSpec,
  FUNCTIONS,
  GROUPS,
  OBJECT_EVENTS,
  RATE_LIMIT_TABLE,
  RESOURCES,
  type ResourceRegistry,
  SCHEDULES,
  STATE_MACHINES,
  TABLE,
} from '../catalogue';
import { cognitoAuthorizer, type JwtAuthorizerConfig, LocalApi } from './api';
import { bindLocally, LOCAL_MAIL_FROM, type LocalContext, localName } from './binders';
import type { DemoUser, LocalEndpoints } from './endpoints';
import { functionAccessKey, LocalFunctions } from './functions';
import type { IamService, RequiredAccess } from './iam/policy';
import { type AuthorizingProxy, type Principal, startAuthorizingProxy } from './iam/proxy';
import { assertJava, assertPortFree, captureOutput, dynamodbHome, freePort, StartupError, stopChild, waitUntil } from './processes';
import { corsConfiguration } from './s3/cors';
import type { S3FrontOptions } from './s3/front';
import { deliverObjectEvents, PostObjectUploads } from './s3/object-events';
import { LocalStepFunctions, SfnApiError } from './stepfunctions';
import { allStates, type AslDefinition } from './stepfunctions/asl';
import { buildWeb } from '../../web/build';
import { startSchedules } from './schedules';
import { seedDemoWallets, seedStudios } from './seed';
import { fileCognitoCodes } from './mail/cognito-codes';
import { Outbox } from './mail/outbox';
import { startLocalSes } from './mail/ses';
import { serveWeb } from './web';
import { LOCAL_BINDERS, mediaSigningSecretArn, mediaSigningSecretName } from './binders';
import { serveMedia } from './media/server';
import { localSigningKey } from './media/signing-key';
import { startLocalSecretsManager } from './secrets/server';
import { localStripeAccount } from './stripe/account';
import { DEFAULT_STRIPE_PORT, localStripeSecrets, startStripeStandIn } from './stripe/server';
import { localFalAccount } from './fal/account';
import { falKnobsFromEnv, startFalStandIn } from './fal/server';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
// s3rver accepts only this key pair; the other local services accept any.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const POOL_NAME = 'headshot-studio-local';
const CLIENT_NAME = 'web';

/** Local resource names are the registry IDs under this prefix (see `localName`). */
export const PREFIX = 'headshot-studio';
export const TABLE_NAME = localName('Table', PREFIX);
/** The counters of the per-caller rate limit (the `Api` stack's RateLimitTable on AWS). */
export const RATE_LIMIT_TABLE_NAME = localName('RateLimitTable', PREFIX);
export const BUCKETS = { uploads: localName('UploadsBucket', PREFIX), outputs: localName('OutputsBucket', PREFIX) } as const;

/**
 * The buckets browsers upload to with a presigned POST, by registry ID. On AWS each carries
 * `uploadCorsRule` of the web site's origin (an UploadsCors each, in infra/lib/stacks/api-stack.ts);
 * locally the same rule names the web app's origins.
 */
export const BROWSER_UPLOAD_BUCKETS: readonly string[] = ['UploadsBucket', 'StudioMediaBucket'];

/** The CORS rules of the buckets browsers upload to, by local name: the CDK's own rule for the given origins. */
export async function browserUploadCors(webOrigins: readonly string[], prefix = PREFIX): Promise<Map<string, CorsRule[]>> {
  // aws-cdk-lib takes a quarter of a second to load: loaded only here, while the services start.
  const { uploadCorsRule } = await import('../lib/constructs/media-buckets');
  return new Map(BROWSER_UPLOAD_BUCKETS.map((id) => [localName(id, prefix), [uploadCorsRule(webOrigins)]]));
}

/** Writes each bucket's CORS rules to s3rver with PutBucketCors, as UploadsCors does on AWS. */
export async function applyBucketCors(client: S3Client, rules: ReadonlyMap<string, readonly CorsRule[]>): Promise<void> {
  for (const [bucket, bucketRules] of rules) await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: corsConfiguration(bucketRules) }));
}

/** Names of every bucket in the registry, created on start. */
export function registryBuckets(registry: ResourceRegistry = RESOURCES): string[] {
  return Object.entries(registry)
    .filter(([, spec]) => spec.kind === 'bucket')
    .map(([id]) => localName(id, PREFIX));
}

/**
 * The environment of every function, derived from its grants by the local
 * binders: what it gets on Lambda, and all its worker gets besides the
 * cloud's base variables.
 */
export function functionEnvironments(
  ctx: LocalContext,
  registry: ResourceRegistry = RESOURCES,
  functions: readonly FunctionSpec[] = FUNCTIONS,
): Map<string, Record<string, string>> {
  return new Map(functions.map((spec) => [spec.id, bindLocally(spec, registry, ctx).env]));
}

/** The local services a function calls, each behind an authorizing proxy. */
export interface ServiceUrls {
  readonly dynamodb: string;
  readonly s3: string;
  readonly stepfunctions: string;
  readonly cognito: string;
  /** SES v2 (the local SES, which files mail in the outbox). */
  readonly ses: string;
  /** Secrets Manager (the local one, infra/local/secrets/); without it, functions get no AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly secretsmanager?: string;
}

export interface FunctionRuntimeOptions {
  readonly root: string;
  /** The services themselves; the functions reach them only through the proxies. */
  readonly services: ServiceUrls;
  /** Region, account, prefix and the user pool's ID. */
  readonly context: LocalContext;
  readonly registry?: ResourceRegistry;
  /** The functions to host (the catalogue's by default); each one's variables come from its grants. */
  readonly functions?: readonly FunctionSpec[];
  /** The grants a function's policy is built from: its own by default; tests drop one here. */
  readonly policyGrants?: (spec: FunctionSpec) => FunctionSpec['grants'];
  /** Variables every function gets besides its own and the endpoints (Powertools settings). */
  readonly baseEnv?: Readonly<Record<string, string>>;
  /** The state machine of a task token's execution (SendTask* authorize on it). */
  readonly taskTokenStateMachine?: (token: string) => string | undefined;
  /** The full ARN of a secret named by name or partial ARN (Secrets Manager authorizes on it). */
  readonly secretArn?: (secretId: string) => string | undefined;
  readonly onLog?: (functionId: string, line: string, stream: 'stdout' | 'stderr') => void;
  readonly onDenied?: (functionId: string, access: RequiredAccess) => void;
  /**
   * The S3 proxy is also the browser's S3 (form uploads, presigned URLs, CORS; infra/local/s3/front.ts):
   * its port (a free one by default), the buckets' CORS rules and who is told of form uploads.
   */
  readonly s3Front?: S3FrontOptions & { readonly port?: number };
}

export interface FunctionRuntime {
  readonly functions: LocalFunctions;
  /** The proxies' URLs, as the functions' AWS_ENDPOINT_URL_* variables name them. */
  readonly proxies: ServiceUrls;
  stop(): Promise<void>;
}

/**
 * The functions as Lambda runs them: one worker per sandbox with the function's own environment
 * and an access key naming it, and every call to DynamoDB, S3, Step Functions and Cognito going
 * through a proxy that holds it to the IAM statements its grants give (AccessDenied beyond them).
 */
export async function startFunctionRuntime(options: FunctionRuntimeOptions): Promise<FunctionRuntime> {
  const registry = options.registry ?? RESOURCES;
  const specs = options.functions ?? FUNCTIONS;
  const principals = new Map<string, Principal>(
    specs.map((spec) => {
      const grants = options.policyGrants?.(spec) ?? spec.grants;
      const { statements } = bindLocally({ ...spec, grants }, registry, options.context);
      return [functionAccessKey(spec.id), { functionId: spec.id, statements }];
    }),
  );
  const proxies: AuthorizingProxy[] = [];
  const stop = async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
  };
  try {
    const proxy = async (service: IamService, target: string, extra: { forwardAs?: string; port?: number; s3?: S3FrontOptions } = {}) => {
      const started = await startAuthorizingProxy({
        service,
        target,
        region: options.context.region,
        accountId: options.context.accountId,
        principal: (key) => principals.get(key),
        trustedKeys: [CREDENTIALS.accessKeyId],
        taskTokenStateMachine: options.taskTokenStateMachine,
        secretArn: options.secretArn,
        onDenied: options.onDenied,
        ...extra,
      });
      proxies.push(started);
      return started.url;
    };
    const urls: ServiceUrls = {
      dynamodb: await proxy('dynamodb', options.services.dynamodb),
      // s3rver knows only its own key pair (and checks neither SigV4 signatures nor POST policies): forward as it.
      // The functions' presigned URLs name this proxy, so it is also the browser's S3.
      s3: await proxy('s3', options.services.s3, { forwardAs: CREDENTIALS.accessKeyId, port: options.s3Front?.port, s3: options.s3Front }),
      stepfunctions: await proxy('states', options.services.stepfunctions),
      cognito: await proxy('cognito-idp', options.services.cognito),
      ses: await proxy('ses', options.services.ses),
      ...(options.services.secretsmanager && { secretsmanager: await proxy('secretsmanager', options.services.secretsmanager) }),
    };
    const environments = functionEnvironments(options.context, registry, specs);
    const functions = new LocalFunctions(options.root, options.context.region, options.context.accountId, {
      functions: specs,
      baseEnv: {
        AWS_REGION: options.context.region,
        AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
        AWS_ENDPOINT_URL_S3: urls.s3,
        AWS_ENDPOINT_URL_SFN: urls.stepfunctions,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: urls.cognito,
        AWS_ENDPOINT_URL_SESV2: urls.ses,
        ...(urls.secretsmanager && { AWS_ENDPOINT_URL_SECRETS_MANAGER: urls.secretsmanager }),
        S3_FORCE_PATH_STYLE: 'true',
        STAGE_NAME: 'local',
        ...options.baseEnv,
      },
      environment: (spec) => environments.get(spec.id) ?? {},
      onLog: options.onLog,
    });
    // Presigned URLs and POST policies are verified with the secret each function's sandbox signs with.
    for (const [key, principal] of principals) principals.set(key, { ...principal, secretAccessKey: functions.environment(principal.functionId).AWS_SECRET_ACCESS_KEY });
    return {
      functions,
      proxies: urls,
      stop: async () => {
        await functions.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The Powertools settings of every local function, from this process's variables. */
export function powertoolsEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: env.POWERTOOLS_SERVICE_NAME ?? 'headshot-studio',
    POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // Business metrics are CloudWatch EMF lines on stdout; POWERTOOLS_METRICS_DISABLED=false npm start shows them.
    POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  };
}

/** The state machine of the execution a task token belongs to, from the stand-in's token table. */
export function taskTokenStateMachine(sfn: LocalStepFunctions, token: string): string | undefined {
  const executionArn = sfn.taskTokenExecution(token);
  if (!executionArn) return undefined;
  // arn:aws:states:<region>:<account>:execution:<machine>:<name> → …:stateMachine:<machine>
  const parts = executionArn.split(':');
  return [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':');
}

/**
 * Token lifetimes of the web client, as the CDK web client sets them (infra/lib/constructs/user-directory.ts,
 * Cognito's defaults): ID and access tokens 1 hour, refresh token 30 days. cognito-local reads them from
 * the app client (AccessTokenValidity, IdTokenValidity, RefreshTokenValidity with TokenValidityUnits) and
 * otherwise signs 24-hour tokens; its own TokenConfig holds only the issuer domain. The units are always
 * given: cognito-local's default unit for IdTokenValidity is minutes.
 */
export const WEB_CLIENT_TOKEN_VALIDITY = {
  AccessTokenValidity: 1,
  IdTokenValidity: 1,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' },
} as const;

/** Every local service listens on the loopback interface only. */
export const LOOPBACK = '127.0.0.1';

/**
 * cognito-local's listening address and issuer come from PORT and HOST: it listens on
 * HOST and signs tokens with `iss` = `http://HOST:PORT/<pool id>`.
 */
export function cognitoLocalEnv(port: number): { PORT: string; HOST: string } {
  return { PORT: String(port), HOST: LOOPBACK };
}

/** The local front's JWT authorizer, by the same rule as the CDK authorizer: cognito-local's issuer, the web client. */
export function localAuthorizer(cognitoPort: number, pool: { userPoolId: string; clientId: string }): JwtAuthorizerConfig {
  return cognitoAuthorizer(`http://${cognitoLocalEnv(cognitoPort).HOST}:${cognitoPort}`, pool.userPoolId, [pool.clientId]);
}

/**
 * DynamoDB Local has no option for its listening address (its `-help` lists -port, -inMemory,
 * -dbPath, -sharedDb, -cors, -delayTransientStatuses, -optimizeDbBeforeStartup, -disableTelemetry)
 * and its Jetty server binds every interface. This launcher builds the server exactly as
 * `java -jar DynamoDBLocal.jar` does (ServerRunner.createServerFromCommandLineArgs), then sets
 * the host of its Jetty connector before starting it. Java runs it from source (JEP 330).
 */
const DYNAMODB_LOOPBACK_LAUNCHER = `
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDbLoopback {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("dynamodb.host", "${'127.0.0.1'}");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) return;
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost(host);
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host);
    proxy.join();
  }
}
`;

/** The command that starts DynamoDB Local on the loopback interface only, without telemetry (the local cloud runs offline). */
export function dynamodbCommand(home: string, args: readonly string[]): string[] {
  const dir = join(tmpdir(), 'headshot-studio-dynamodb');
  mkdirSync(dir, { recursive: true });
  const launcher = join(dir, 'DynamoDbLoopback.java');
  // Written aside and renamed, so a cloud starting at the same time never reads half a file.
  const staging = `${launcher}.${process.pid}.${Date.now()}`;
  writeFileSync(staging, DYNAMODB_LOOPBACK_LAUNCHER);
  renameSync(staging, launcher);
  return [
    'java',
    `-Ddynamodb.host=${LOOPBACK}`,
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    join(home, 'DynamoDBLocal.jar'),
    launcher,
    ...args,
    '-disableTelemetry',
  ];
}

/** The demo people seeded on every start (idempotent). Local-only credentials. */
export const DEMO_USERS: readonly DemoUser[] = [
  { role: 'customer', email: 'customer@example.com', password: 'Customer-demo-2026!', groups: [] },
  { role: 'admin', email: 'admin@example.com', password: 'Admin-demo-2026!', groups: ['admins'] },
  { role: 'artist', email: 'artist@example.com', password: 'Artist-demo-2026!', groups: ['artists'] },
];

export const DEFAULT_PORTS = { web: 3000, api: 3001, dynamodb: 8000, s3: 4569, cognito: 9229, stepfunctions: 8083, stripe: DEFAULT_STRIPE_PORT, fal: 12311, media: 3002 } as const;
export type Ports = Record<keyof typeof DEFAULT_PORTS, number>;
export const PORT_ENV: Record<keyof Ports, string> = {
  web: 'PORT_WEB',
  api: 'PORT_API',
  dynamodb: 'PORT_DYNAMODB',
  s3: 'PORT_S3',
  cognito: 'PORT_COGNITO',
  stepfunctions: 'PORT_STEPFUNCTIONS',
  stripe: 'PORT_STRIPE',
  fal: 'PORT_FAL',
  media: 'PORT_MEDIA',
};

export interface LocalCloudOptions {
  /** Repository root (where `functions/`, `statemachines/`, `web/` are). */
  readonly root: string;
  /** Where every service keeps its data; survives restarts. */
  readonly dataDir: string;
  readonly ports: Ports;
  /** Where to write the endpoints file. */
  readonly endpointsFile: string;
  /** Progress and request lines. */
  readonly log: (line: string) => void;
}

export interface LocalCloud {
  readonly endpoints: LocalEndpoints;
  stop(): Promise<void>;
  /** Resolves if a child service dies after start-up, with its name. */
  readonly crashed: Promise<string>;
}

/** Reads ports from PORT_* variables, or asks the OS for free ones when `auto` is set. */
export async function resolvePorts(auto: boolean): Promise<Ports> {
  const ports = {} as Ports;
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof Ports)[]) {
    const fromEnv = Number(process.env[PORT_ENV[key]]);
    ports[key] = auto ? await freePort() : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PORTS[key];
  }
  return ports;
}

/**
 * Starts the whole platform on this machine: DynamoDB Local, s3rver,
 * cognito-local, the local Step Functions, the API front and the web app,
 * with tables, buckets, the user pool and state machines created from the
 * same declarations CDK deploys.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const { root, dataDir, ports, log } = options;
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  let crash: (service: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (crash = resolve));
  const watch = (child: ChildProcess, service: string) => {
    child.once('exit', (code, signal) => {
      if (!stopping) crash(`${service} stopped unexpectedly (code ${code ?? signal}).`);
    });
  };

  try {
    assertJava();
    for (const key of Object.keys(ports) as (keyof Ports)[]) await assertPortFree(ports[key], key, PORT_ENV[key]);
    for (const dir of ['dynamodb', 's3', 'cognito', 'stepfunctions', 'outbox']) mkdirSync(join(dataDir, dir), { recursive: true });
    // The web app's origins: the API's CORS and the uploads bucket's name them.
    const webOrigins = [url(ports.web), `http://localhost:${ports.web}`];
    const uploadCors = browserUploadCors(webOrigins);
    uploadCors.catch(() => undefined);

    // DynamoDB Local (Java) with its data on disk, and cognito-local (Node) keeping its data
    // in .cognito under its working directory; each under a keeper that ends it with us.
    log('starting DynamoDB Local …');
    const home = dynamodbHome();
    const dynamo = keep(dynamodbCommand(home, ['-dbPath', resolve(dataDir, 'dynamodb'), '-port', String(ports.dynamodb), '-sharedDb']), { cwd: home });
    const dynamoOutput = captureOutput(dynamo);
    stops.push(() => stopChild(dynamo));
    log('starting cognito-local …');
    const cognitoChild = keep([process.execPath, require.resolve('cognito-local/lib/bin/start.js')], {
      cwd: join(dataDir, 'cognito'),
      env: { ...process.env, ...cognitoLocalEnv(ports.cognito) },
    });
    const cognitoOutput = captureOutput(cognitoChild);
    stops.push(() => stopChild(cognitoChild));
    // s3rver, in this process, on an internal port: ports.s3 is the S3 front every client (functions,
    // browser, tools) reaches it through (the functions' authorizing proxy, infra/local/s3/front.ts).
    log('starting s3rver …');
    const s3rverPort = await freePort();
    const s3rver = new S3rver({ port: s3rverPort, address: LOOPBACK, directory: join(dataDir, 's3'), silent: true });
    await s3rver.run();
    stops.push(() => s3rver.close());

    // SES v2, in this process, on an internal port: mail lands in the outbox under the data folder.
    const outbox = new Outbox(join(dataDir, 'outbox'));
    const ses = await startLocalSes({ outbox, region: REGION, verifiedIdentities: [LOCAL_MAIL_FROM] });
    stops.push(() => ses.close());
    // cognito-local prints the codes it would e-mail; they go to the same outbox, as the pool's messages.
    const stopFilingCodes = fileCognitoCodes(cognitoChild, outbox);
    stops.push(async () => stopFilingCodes());

    // The Stripe stand-in (the real SDK talks to it; its checkout page posts signed events to the API's webhook)
    // and Secrets Manager, holding the account's keys as the StripeSecret does on AWS.
    log('starting the Stripe stand-in and Secrets Manager …');
    const stripeDir = join(dataDir, 'stripe');
    const stripeKeys = localStripeSecrets(stripeDir);
    const stripe = await startStripeStandIn({ dataDir: stripeDir, webhookUrl: `${url(ports.api)}/v1/webhooks/stripe`, ...stripeKeys, port: ports.stripe, log });
    stops.push(() => stripe.stop());
    const stripeAccount = localStripeAccount({ ...stripeKeys, url: stripe.url });
    // The fal.ai stand-in: the real @fal-ai/client queues trainings and generations there, and it posts signed
    // webhooks to the API, its key served from a local JWKS. LOCAL_FAL_* variables set its faults; FAL_KEY uses fal.ai.
    log('starting the fal.ai stand-in …');
    const fal = await startFalStandIn({ dataDir: join(dataDir, 'fal'), port: ports.fal, knobs: falKnobsFromEnv(process.env), log });
    stops.push(() => fal.stop());
    const falAccount = localFalAccount(fal);
    // The media distribution's signing key: its private half in the secret signers read, its public half trusted by the local CloudFront.
    const mediaKey = localSigningKey(join(dataDir, 'media', 'signing-key.json'));
    const secrets = await startLocalSecretsManager({
      region: REGION,
      accountId: ACCOUNT,
      secrets: [
        {
          name: localName('StripeSecret', PREFIX),
          arn: LOCAL_BINDERS.secret('StripeSecret', { region: REGION, accountId: ACCOUNT, prefix: PREFIX }).value,
          description: RESOURCES.StripeSecret.description,
          secretString: JSON.stringify({ secretKey: stripeAccount.secretKey, webhookSecret: stripeAccount.webhookSecret }),
        },
        {
          name: localName('FalSecret', PREFIX),
          arn: LOCAL_BINDERS.secret('FalSecret', { region: REGION, accountId: ACCOUNT, prefix: PREFIX }).value,
          description: RESOURCES.FalSecret.description,
          secretString: JSON.stringify(falAccount),
        },
        {
          name: mediaSigningSecretName('MediaCdn', PREFIX),
          arn: mediaSigningSecretArn('MediaCdn', { region: REGION, accountId: ACCOUNT, prefix: PREFIX }),
          description: 'The media distribution\'s signing key: JSON { "keyPairId", "privateKey" } (the local CloudFront trusts its public half)',
          secretString: JSON.stringify({ keyPairId: mediaKey.keyPairId, privateKey: mediaKey.privateKey }),
        },
      ],
    });
    stops.push(() => secrets.close());

    const clientConfig = { region: REGION, credentials: CREDENTIALS };
    const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: url(ports.dynamodb) });
    const s3 = new S3Client({ ...clientConfig, endpoint: url(s3rverPort), forcePathStyle: true });
    const cognito = new CognitoIdentityProviderClient({ ...clientConfig, endpoint: url(ports.cognito) });

    // Each function runs in its own workers, reaching the services through authorizing proxies.
    const stateMachineArns: Record<string, string> = {};
    // The runtime needs the user pool's ID, known only once the pool exists; the stand-in invokes through it.
    const started: { runtime?: FunctionRuntime } = {};
    const sfn = new LocalStepFunctions({
      region: REGION,
      accountId: ACCOUNT,
      stateFile: join(dataDir, 'stepfunctions', 'executions.json'),
      invoke: (arn, payload) => started.runtime!.functions.invoke(arn, payload),
    });
    for (const spec of STATE_MACHINES) stateMachineArns[spec.id] = sfn.stateMachineArn(spec.id);
    // CloudFront in front of the outputs bucket: objects only to signed, unexpired links, as on AWS.
    const media = await serveMedia({
      port: ports.media,
      s3,
      bucket: localName('OutputsBucket', PREFIX),
      publicKeys: { [mediaKey.keyPairId]: mediaKey.publicKey },
    });
    stops.push(() => media.close());
    const localContext: LocalContext = { region: REGION, accountId: ACCOUNT, prefix: PREFIX, siteUrl: url(ports.web), apiUrl: url(ports.api), mediaUrl: media.publicUrl };
    // Building the web app needs none of the services: overlap it with the JVM start.
    const webDir = resolve(dataDir, 'web');
    const building = buildWeb({ outDir: webDir, log: false });
    building.catch(() => undefined);
    await waitUntil('DynamoDB Local', async () => !!(await dynamodb.send(new ListTablesCommand({}))), 30_000, dynamo, dynamoOutput);
    watch(dynamo, 'DynamoDB Local');
    await waitUntil('cognito-local', async () => !!(await cognito.send(new ListUserPoolsCommand({ MaxResults: 1 }))), 30_000, cognitoChild, cognitoOutput);
    watch(cognitoChild, 'cognito-local');

    log('creating table, buckets and user pool …');
    await createTable(dynamodb);
    await createRateLimitTable(dynamodb);
    for (const bucket of registryBuckets()) await createBucket(s3, bucket);
    const bucketCors = await uploadCors;
    await applyBucketCors(s3, bucketCors);
    const pool = await createUserPool(cognito);
    // The marketplace's demo studios, once (their sample pictures are made from face-api's demo photos, cached).
    const documentClient = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const seeded = await seedStudios(
      documentClient,
      TABLE_NAME,
      s3,
      localName('StudioMediaBucket', PREFIX),
      join(root, '.local', 'cache', 'sample-faces'),
    );
    if (seeded) log(`seeded ${seeded} demo studios …`);
    await seedDemoWallets(documentClient, TABLE_NAME, await demoPeople(cognito, pool.userPoolId));

    log('loading functions and building the web app …');
    // Each function's environment and policy come from its grants (the user pool's ID is known only now).
    const postObjects = new PostObjectUploads();
    // The tokens the authorizer accepts: cognito-local's issuer and the web client (the rule the CDK app follows with Cognito).
    const tokenIssuer = localAuthorizer(ports.cognito, pool);
    const runtime = await startFunctionRuntime({
      root,
      services: { dynamodb: url(ports.dynamodb), s3: url(s3rverPort), stepfunctions: url(ports.stepfunctions), cognito: url(ports.cognito), ses: ses.url, secretsmanager: secrets.url },
      context: { ...localContext, userPoolId: pool.userPoolId, tokenIssuer },
      // Only the local cloud names a Stripe API other than Stripe's own (as it names AWS_ENDPOINT_URL_*),
      // and only it may raise a signed-in person's rate limit (test runs poll faster than people).
      baseEnv: {
        ...powertoolsEnv(),
        ...(stripeAccount.apiUrl && { STRIPE_API_URL: stripeAccount.apiUrl }),
        ...(process.env.SIGNED_IN_RATE_LIMIT_PER_MINUTE && { SIGNED_IN_RATE_LIMIT_PER_MINUTE: process.env.SIGNED_IN_RATE_LIMIT_PER_MINUTE }),
      },
      secretArn: (secretId) => secrets.store.arnOf(secretId),
      taskTokenStateMachine: (token) => taskTokenStateMachine(sfn, token),
      s3Front: { port: ports.s3, cors: bucketCors, postObjects },
    });
    started.runtime = runtime;
    const functions = runtime.functions;
    stops.push(() => runtime.stop());
    // S3's Object Created events, by whatever route an object is created, to the functions subscribed in the catalogue.
    const objectEvents = deliverObjectEvents({
      source: s3rver,
      specs: OBJECT_EVENTS,
      context: localContext,
      invoke: (functionId, payload) => functions.invoke(functionId, payload),
      postObjects,
      log: (line) => console.error(line),
    });
    stops.push(async () => objectEvents.stop());
    await building;
    registerStateMachines(root, sfn, functions);
    stops.push(() => sfn.drain());

    const sfnServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(body));
        };
        try {
          const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          reply(200, sfn.handle(action, body));
        } catch (error) {
          if (error instanceof SfnApiError) reply(400, { __type: error.type, message: error.message });
          else reply(400, { __type: 'SerializationException', message: (error as Error).message });
        }
      });
    });
    await listen(sfnServer, ports.stepfunctions);
    stops.push(() => close(sfnServer));

    const issuer = tokenIssuer.issuer;
    // Every signed-in route calls the authorizer function, its answers cached per Authorization header
    // (300 s as on AWS; AUTHORIZER_CACHE_TTL_SECONDS shortens it, for tests of revocation).
    const api = new LocalApi({
      allowedOrigins: webOrigins,
      invoke: (functionId, event) => functions.invoke(functionId, event),
      authorizer: { cacheTtlSeconds: authorizerCacheTtl() },
      log,
    });
    const apiServer = createServer(api.listener);
    await listen(apiServer, ports.api);
    stops.push(() => close(apiServer));

    const webServer = await serveWeb({
      outDir: webDir,
      port: ports.web,
      config: { apiUrl: url(ports.api), region: REGION, cognitoEndpoint: `${url(ports.cognito)}/`, userPoolClientId: pool.clientId },
      s3Url: url(ports.s3),
      mediaUrl: media.publicUrl,
      outbox,
      log,
    });
    stops.push(() => close(webServer));

    const endpoints: LocalEndpoints = {
      web: url(ports.web),
      api: url(ports.api),
      region: REGION,
      cognito: { endpoint: url(ports.cognito), userPoolId: pool.userPoolId, clientId: pool.clientId, issuer },
      dynamodb: url(ports.dynamodb),
      s3: url(ports.s3),
      stepfunctions: url(ports.stepfunctions),
      ses: ses.url,
      outbox: { dir: outbox.dir, page: `${url(ports.web)}/outbox` },
      secretsmanager: secrets.url,
      stripe: { url: stripe.url, secretKey: stripeKeys.secretKey, webhookSecret: stripeKeys.webhookSecret },
      fal: { url: fal.url, jwksUrl: fal.jwksUrl, requestLog: join(dataDir, 'fal', 'requests.ndjson') },
      media: { url: media.publicUrl, keyPairId: mediaKey.keyPairId },
      tableName: TABLE_NAME,
      buckets: BUCKETS,
      stateMachines: stateMachineArns,
      users: DEMO_USERS,
    };
    mkdirSync(dirname(options.endpointsFile), { recursive: true });
    writeFileSync(options.endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`);

    // The catalogue's schedules (the ledger's sweeper), as EventBridge rate rules run them.
    const stopSchedules = startSchedules({ schedules: SCHEDULES, region: REGION, accountId: ACCOUNT, invoke: (id, event) => functions.invoke(id, event), log });
    stops.push(async () => stopSchedules());

    // One warm sandbox per function, started once everything listens, so it holds up neither the
    // web build nor the ready line (about 0.5 s of CPU each), two at a time and API functions first;
    // a request that comes first starts its own cold start, as on Lambda.
    for (const [index, warming] of functions.warmGradually(2).entries()) {
      warming.catch((error: Error) => {
        if (!stopping) console.error(`  function ${FUNCTIONS[index]?.id ?? index}: ${error.message}`);
      });
    }
    return {
      endpoints,
      crashed,
      stop: async () => {
        stopping = true;
        await stopAll();
      },
    };
  } catch (error) {
    stopping = true;
    await stopAll();
    throw error;
  }
}

/**
 * Loads every catalogue state machine's ASL, substitutes local function ARNs and registers it.
 * `stepTimeouts` shortens named Task states' TimeoutSeconds (LOCAL_STEP_TIMEOUTS, e.g.
 * `AwaitBatch=5,AwaitTraining=10`): test runs that drop webhooks on purpose reach the status
 * poll in seconds rather than the minutes AWS waits. Without it the definitions run as deployed.
 */
export function registerStateMachines(root: string, sfn: LocalStepFunctions, functions: LocalFunctions, stepTimeouts = parseStepTimeouts(process.env.LOCAL_STEP_TIMEOUTS)): void {
  for (const spec of STATE_MACHINES) {
    let text = readFileSync(join(root, spec.definitionFile), 'utf8');
    assertSubstitutions(spec, text);
    for (const [placeholder, functionId] of Object.entries(spec.functionArns)) {
      text = text.split(`\${${placeholder}}`).join(functions.arn(functionId));
    }
    if (stepTimeouts.size) {
      const definition = JSON.parse(text) as AslDefinition;
      for (const [name, state] of allStates(definition)) {
        const seconds = stepTimeouts.get(name);
        if (seconds !== undefined && state.Type === 'Task') state.TimeoutSeconds = seconds;
      }
      text = JSON.stringify(definition);
    }
    sfn.register(spec.id, text, spec.timeoutSeconds);
  }
}

/** `AwaitBatch=5,AwaitTraining=10` → state name → seconds; refuses anything else, naming it. */
export function parseStepTimeouts(text: string | undefined): Map<string, number> {
  const timeouts = new Map<string, number>();
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(\d{1,6})$/.exec(part);
    if (!match || Number(match[2]) < 1) throw new Error(`LOCAL_STEP_TIMEOUTS: "${part}" is not StateName=seconds (a whole number of seconds, at least 1)`);
    timeouts.set(match[1]!, Number(match[2]));
  }
  return timeouts;
}

/** The studio's single table as DynamoDB creates it: the catalogue's key schema and global secondary indexes. */
export function studioTableInput(name: string): CreateTableCommandInput {
  const keys = [TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...new Set(keys)].map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

async function createTable(client: DynamoDBClient): Promise<void> {
  try {
    await client.send(new CreateTableCommand(studioTableInput(TABLE_NAME)));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: TABLE_NAME, TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true } }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // Kept from an earlier start: check it still has the declared indexes.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    const have = new Set(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName));
    const missing = TABLE.indexes.filter((i) => !have.has(i.name)).map((i) => i.name);
    if (missing.length) {
      throw new StartupError(`The local table ${TABLE_NAME} lacks the indexes ${missing.join(', ')}. Delete .local/data/dynamodb and start again.`);
    }
  }
}

/** The rate limit's counters as the `Api` stack creates them: a string `pk` and a TTL (see RATE_LIMIT_TABLE). */
export function rateLimitTableInput(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: RATE_LIMIT_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: RATE_LIMIT_TABLE.partitionKey, KeyType: 'HASH' }],
  };
}

async function createRateLimitTable(client: DynamoDBClient): Promise<void> {
  try {
    await client.send(new CreateTableCommand(rateLimitTableInput(RATE_LIMIT_TABLE_NAME)));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: RATE_LIMIT_TABLE_NAME, TimeToLiveSpecification: { AttributeName: RATE_LIMIT_TABLE.timeToLiveAttribute, Enabled: true } }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** The authorizer's cache time: AUTHORIZER_CACHE_TTL_SECONDS from the environment (0 turns caching off), else API Gateway's 300 s. */
export function authorizerCacheTtl(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.AUTHORIZER_CACHE_TTL_SECONDS);
  return env.AUTHORIZER_CACHE_TTL_SECONDS !== undefined && Number.isInteger(value) && value >= 0 && value <= 3600 ? value : AUTHORIZER_CACHE_TTL_SECONDS;
}

async function createBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/** Finds or creates the user pool, its web client, the groups and the demo users. */
async function createUserPool(client: CognitoIdentityProviderClient): Promise<{ userPoolId: string; clientId: string }> {
  const { UserPools = [] } = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = UserPools.find((p) => p.Name === POOL_NAME)?.Id;
  if (!userPoolId) {
    const { UserPool } = await client.send(
      new CreateUserPoolCommand({
        PoolName: POOL_NAME,
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      }),
    );
    userPoolId = UserPool!.Id!;
  }
  const { UserPoolClients = [] } = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  let clientId = UserPoolClients.find((c) => c.ClientName === CLIENT_NAME)?.ClientId;
  if (!clientId) {
    const { UserPoolClient } = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: CLIENT_NAME,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...WEB_CLIENT_TOKEN_VALIDITY,
      }),
    );
    clientId = UserPoolClient!.ClientId!;
  } else {
    // A client kept from an earlier start may carry cognito-local's defaults (24 h tokens): set them again.
    await client.send(new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId, ...WEB_CLIENT_TOKEN_VALIDITY }));
  }
  // cognito-local's CreateGroup replaces an existing group (and its members), so create only missing ones.
  const { Groups = [] } = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
  for (const group of GROUPS.filter((g) => !Groups.some((existing) => existing.GroupName === g.name))) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.name, Description: group.description }));
  }
  for (const user of DEMO_USERS) {
    if (!(await userExists(client, userPoolId, user.email))) await createConfirmedUser(client, userPoolId, user.email, user.password);
    for (const group of user.groups) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }));
    }
  }
  return { userPoolId, clientId };
}

/** The demo people with their `sub`s, as the pool knows them. */
async function demoPeople(client: CognitoIdentityProviderClient, userPoolId: string): Promise<{ sub: string; email: string }[]> {
  const people: { sub: string; email: string }[] = [];
  for (const user of DEMO_USERS) {
    const { UserAttributes = [] } = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
    const sub = UserAttributes.find((attribute) => attribute.Name === 'sub')?.Value;
    if (sub) people.push({ sub, email: user.email });
  }
  return people;
}

async function userExists(client: CognitoIdentityProviderClient, userPoolId: string, email: string): Promise<boolean> {
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    return true;
  } catch (error) {
    if (error instanceof UserNotFoundException) return false;
    throw error;
  }
}

/** Starts a service under keeper.js, whose stdin pipe closes if this process dies in any way. */
function keep(command: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess {
  return spawn(process.execPath, [join(__dirname, 'keeper.js'), ...command], { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
