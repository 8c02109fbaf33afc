import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps, Aws, CfnOutput, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DOMAINS, type DomainSpec, RESOURCES, type ResourceRegistry } from '../catalogue';
import { REPO_ROOT, resolveStageConfig, type StageConfig } from './config';
import { ResourceIndex } from './resource-index';
import { ApiStack } from './stacks/api-stack';
import { AuthStack } from './stacks/auth-stack';
import { DomainStack } from './stacks/domain-stack';
import { OperationsStack } from './stacks/operations-stack';
import { SiteStack } from './stacks/site-stack';
import { StatefulStack } from './stacks/stateful-stack';

/** The stacks of one stage, in deployment order. */
export interface StudioStacks {
  readonly stateful: StatefulStack;
  readonly auth: AuthStack;
  readonly site: SiteStack;
  readonly api: ApiStack;
  /** Domain ID → its stack, in catalogue order. */
  readonly domains: ReadonlyMap<string, DomainStack>;
  readonly operations: OperationsStack;
}

export interface BuiltApp {
  readonly app: App;
  readonly config: StageConfig;
  readonly stacks: StudioStacks;
}

/** Options for {@link composeApp}. */
export interface ComposeOptions {
  /**
   * Folder with the built web app.
   * @default `${REPO_ROOT}/web/dist`
   */
  readonly webAssetDir?: string;
  /**
   * The domains to deploy.
   * @default DOMAINS (the catalogue)
   */
  readonly domains?: readonly DomainSpec[];
  /**
   * The resource registry.
   * @default RESOURCES (the catalogue)
   */
  readonly registry?: ResourceRegistry;
}

/** Every stack of the app, for tests and tools. */
export function allStacks(stacks: StudioStacks) {
  return [stacks.stateful, stacks.auth, stacks.site, stacks.api, ...stacks.domains.values(), stacks.operations];
}

/**
 * Adds one stage of the studio to `app` (CloudFormation names
 * `<appName>-<stage>-<Id>`), with the `app` and `stage` cost tags and the
 * cdk-nag AwsSolutions checks (a finding fails synthesis; acknowledgements sit
 * next to the resources they concern).
 *
 * Stacks, in the only order references may point (each may use those before it):
 * `Stateful` (table, buckets, queues, topics, secrets) → `Auth` (user pool) →
 * `Site` (bucket and CloudFront) → `Api` (HTTP API, Lambda authorizer, rate-limit counters, site content) →
 * one stack per domain, in catalogue order (functions, workflows, routes) →
 * `Operations` (the API's stage, dashboard and alarms over all of them).
 */
export function composeApp(app: App, config: StageConfig, options: ComposeOptions = {}): StudioStacks {
  const stackName = (id: string) => `${config.appName}-${config.stage}-${id}`;
  // With @aws-cdk/core:explicitStackTags, Tags.of(app) tags resources only; stacks get theirs here.
  const common = { env: config.env, tags: { app: config.appName, stage: config.stage } };
  const index = new ResourceIndex(options.registry ?? RESOURCES);
  const description = (what: string) => `Headshot studio: ${what}`;

  const stateful = new StatefulStack(app, 'Stateful', {
    stackName: stackName('Stateful'),
    description: description('table, photo buckets, queues, topics and secrets (stateful)'),
    ...common,
    config,
    index,
  });
  const auth = new AuthStack(app, 'Auth', { stackName: stackName('Auth'), description: description('Cognito user pool, groups and web client'), ...common, config, index });
  // The tokens the API accepts: the user pool's issuer and the web client (the rule infra/local/cloud.ts follows with cognito-local).
  index.add('SignInTokens', 'tokenIssuer', {
    issuer: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${auth.userPool.userPoolId}`,
    audience: [auth.webClient.userPoolClientId],
  });
  const site = new SiteStack(app, 'Site', {
    stackName: stackName('Site'),
    description: description('web site bucket and CloudFront distribution'),
    ...common,
    config,
    uploadsBucket: stateful.uploadsBucket,
    studioMediaBucket: stateful.studioMediaBucket,
    // One-way, like the buckets: the site stack imports the media distribution's domain.
    mediaOrigin: stateful.mediaCdn.url,
    index,
  });
  const api = new ApiStack(app, 'Api', {
    stackName: stackName('Api'),
    description: description('HTTP API, its Lambda authorizer, rate-limit counters and web app content'),
    ...common,
    config,
    index,
    userPool: auth.userPool,
    webClient: auth.webClient,
    site: site.site,
    uploadsBucket: stateful.uploadsBucket,
    studioMediaBucket: stateful.studioMediaBucket,
    webAssetDir: options.webAssetDir,
  });

  const domains = new Map<string, DomainStack>();
  for (const spec of options.domains ?? DOMAINS) {
    const id = pascalCase(spec.id);
    const stack = new DomainStack(app, id, {
      stackName: stackName(id),
      description: description(spec.description),
      ...common,
      config,
      spec,
      index,
      api: api.api,
    });
    for (const [machineId, workflow] of stack.domain.workflows) {
      new CfnOutput(stack, `${machineId}Arn`, { value: workflow.stateMachine.stateMachineArn, description: `ARN of the ${machineId} state machine` });
    }
    domains.set(spec.id, stack);
  }

  const functions = new Map([
    ...[...domains.values()].flatMap((stack) => [...stack.domain.functions].map(([fnId, fn]) => [fnId, fn.function] as const)),
    // The authorizer is watched like every function: when it fails, every signed-in route answers 500.
    [api.authorizer.spec.id, api.authorizer.function] as const,
  ]);
  const stateMachines = new Map(
    [...domains.values()].flatMap((stack) => [...stack.domain.workflows].map(([machineId, wf]) => [machineId, wf.stateMachine] as const)),
  );
  const operations = new OperationsStack(app, 'Operations', {
    stackName: stackName('Operations'),
    description: description("the API's stage (throttling, access logs), dashboard and alarms"),
    ...common,
    config,
    domains: options.domains ?? DOMAINS,
    functions,
    stateMachines,
    httpApi: api.api.httpApi,
  });

  Tags.of(app).add('app', config.appName);
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { stateful, auth, site, api, domains, operations };
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}

/**
 * Builds the whole app in-process, for tests and tools: the same stacks
 * `cdk synth` builds, without spawning the CLI.
 *
 * - `config` overrides the defaults of its stage (`resolveStageConfig`).
 * - The feature flags of `cdk.json` are applied, so the templates match the
 *   CLI's; `appProps.context` may add or override context. So is cdk.json's
 *   `mediaSigningPublicKey`, unless `config` gives one.
 * - Call `app.synth()` to synthesize; it throws when cdk-nag reports a finding.
 *
 * @example
 * const { app, stacks } = buildApp({ stage: 'test' });
 * const template = Template.fromStack(stacks.service);
 */
export function buildApp(config: Partial<StageConfig> = {}, appProps: AppProps = {}, options: ComposeOptions = {}): BuiltApp {
  const cdkJson = cdkJsonContext();
  const app = new App({ ...appProps, context: { ...featureFlags(cdkJson), ...appProps.context } });
  // Like the CLI with cdk.json's context: the committed signing public key unless the caller gives one.
  const resolved = resolveStageConfig({ ...config, mediaSigningPublicKey: config.mediaSigningPublicKey ?? stringOrUndefined(cdkJson.mediaSigningPublicKey) });
  return { app, config: resolved, stacks: composeApp(app, resolved, options) };
}

/** The context of cdk.json. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** The `@aws-cdk/…` feature flags of a context (not the stage context). */
function featureFlags(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith('@aws-cdk/')));
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
