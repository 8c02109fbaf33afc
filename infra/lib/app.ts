import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPO_ROOT, resolveStageConfig, type StageConfig } from './config';
import { AuthStack } from './stacks/auth-stack';
import { ServiceStack } from './stacks/service-stack';
import { StatefulStack } from './stacks/stateful-stack';

/** The stacks of one stage, in deployment order. */
export interface StudioStacks {
  readonly stateful: StatefulStack;
  readonly auth: AuthStack;
  readonly service: ServiceStack;
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
}

/**
 * Adds one stage of the studio to `app`: the stacks `Stateful`, `Auth` and
 * `Service` (CloudFormation names `<appName>-<stage>-<Id>`), the `app` and
 * `stage` cost tags, and the cdk-nag AwsSolutions checks (a finding fails
 * synthesis; acknowledgements sit next to the resources they concern).
 */
export function composeApp(app: App, config: StageConfig, options: ComposeOptions = {}): StudioStacks {
  const stackName = (id: string) => `${config.appName}-${config.stage}-${id}`;
  const env = config.env;

  const stateful = new StatefulStack(app, 'Stateful', {
    stackName: stackName('Stateful'),
    description: 'Headshot studio: table and photo buckets (stateful)',
    env,
    config,
  });
  const auth = new AuthStack(app, 'Auth', {
    stackName: stackName('Auth'),
    description: 'Headshot studio: Cognito user pool, groups and web client',
    env,
    config,
  });
  const service = new ServiceStack(app, 'Service', {
    stackName: stackName('Service'),
    description: 'Headshot studio: functions, order pipeline, HTTP API, web site, dashboard and alarms',
    env,
    config,
    table: stateful.table,
    uploadsBucket: stateful.uploadsBucket,
    outputsBucket: stateful.outputsBucket,
    userPool: auth.userPool,
    webClient: auth.webClient,
    webAssetDir: options.webAssetDir,
  });

  Tags.of(app).add('app', config.appName);
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { stateful, auth, service };
}

/**
 * Builds the whole app in-process, for tests and tools: the same stacks
 * `cdk synth` builds, without spawning the CLI.
 *
 * - `config` overrides the defaults of its stage (`resolveStageConfig`).
 * - The feature flags of `cdk.json` are applied, so the templates match the
 *   CLI's; `appProps.context` may add or override context.
 * - Call `app.synth()` to synthesize; it throws when cdk-nag reports a finding.
 *
 * @example
 * const { app, stacks } = buildApp({ stage: 'test' });
 * const template = Template.fromStack(stacks.service);
 */
export function buildApp(config: Partial<StageConfig> = {}, appProps: AppProps = {}, options: ComposeOptions = {}): BuiltApp {
  const app = new App({ ...appProps, context: { ...cdkJsonFeatureFlags(), ...appProps.context } });
  const resolved = resolveStageConfig(config);
  return { app, config: resolved, stacks: composeApp(app, resolved, options) };
}

/** The `@aws-cdk/…` feature flags from cdk.json (not the stage context). */
function cdkJsonFeatureFlags(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(cdkJson.context ?? {}).filter(([key]) => key.startsWith('@aws-cdk/')));
}
