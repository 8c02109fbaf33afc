import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLING } from '../../bundling';
import type { Access, FunctionSpec, ResourceKind } from '../../catalogue';
import { BINDERS, type Binder } from '../binders';
import { REPO_ROOT } from '../config';
import type { ResourceIndex } from '../resource-index';
import { acknowledgeStarResource } from './nag';

/** The Lambda runtime of every function; cdk-nag's L1 rule wants the newest Node.js. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface AppFunctionProps {
  /** The catalogue entry: entry file, memory, timeout and grants. */
  readonly spec: FunctionSpec;
  /**
   * How long the function's log group keeps its logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * `POWERTOOLS_LOG_LEVEL` of the function.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * `POWERTOOLS_METRICS_NAMESPACE` of the function.
   * @default 'HeadshotStudio'
   */
  readonly metricsNamespace?: string;
  /**
   * `STAGE_NAME` of the function: the stage's segment of stored object keys (the generated images' layout).
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * Directory `spec.entry` is relative to (holds package-lock.json).
   * @default REPO_ROOT
   */
  readonly repoRoot?: string;
}

/**
 * One Lambda function of the catalogue, with the defaults every function
 * shares: Node.js 24 on arm64, esbuild bundle with source maps
 * ({@link BUNDLING}), X-Ray tracing, its own log group with retention,
 * Powertools variables, cost-allocation tags (`function`, `capability`) and a
 * role holding exactly the grants of `spec.grants`.
 *
 * Grants name resources of the registry. A state machine of the function's own
 * domain needs the function's ARN before it exists, so grants are applied by
 * {@link bind} once the domain's resources are in the index; each grant's
 * binder adds the permissions and the resource's environment variable.
 * Synthesis fails if a grant was never bound.
 */
export class AppFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly pending = new Set<string>();

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    const repoRoot = props.repoRoot ?? REPO_ROOT;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: write only to this log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${spec.id}: ${spec.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: spec.description,
      entry: path.join(repoRoot, spec.entry),
      handler: 'handler',
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      bundling: {
        target: BUNDLING.target,
        format: BUNDLING.format === 'cjs' ? OutputFormat.CJS : OutputFormat.ESM,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        externalModules: [...BUNDLING.external, ...(spec.nativeModules ?? []), ...(spec.localOnlyModules ?? [])],
        mainFields: [...BUNDLING.mainFields],
        ...(spec.nativeModules?.length ? { commandHooks: nativeModulesHook(repoRoot, spec) } : {}),
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: spec.id,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? 'HeadshotStudio',
        STAGE_NAME: props.stage ?? 'dev',
      },
    });
    // Tracing ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*".
    acknowledgeStarResource(this.role, 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (tracing ACTIVE).');

    Tags.of(this).add('function', spec.id);
    Tags.of(this).add('capability', spec.capability);

    for (const resourceId of Object.keys(spec.grants)) this.pending.add(resourceId);
    this.node.addValidation({
      validate: () =>
        [...this.pending].map(
          (resourceId) =>
            `${spec.id} is granted "${resourceId}", which was never bound: it must belong to a shared stack or a domain deployed before this one.`,
        ),
    });
  }

  /** The function's ARN, for state machine substitutions and alarms. */
  get functionArn(): string {
    return this.function.functionArn;
  }

  /**
   * Applies every grant of the spec whose resource is in `index` and is not
   * bound yet: permissions on the role and the resource's environment variable.
   * Returns the IDs still unbound.
   */
  bind(index: ResourceIndex): string[] {
    for (const resourceId of [...this.pending]) {
      const spec = index.registry[resourceId];
      if (!spec) throw new Error(`${this.spec.id} is granted "${resourceId}", which is not in the resource registry.`);
      const resource = index.get(resourceId, spec.kind);
      if (!resource) continue;
      const binder = BINDERS[spec.kind] as Binder<ResourceKind>;
      const access = (this.spec.grants as Readonly<Record<string, Access>>)[resourceId];
      const value = binder({ id: this.spec.id, role: this.role }, resource, access as never, resourceId);
      this.function.addEnvironment(spec.env, value);
      this.pending.delete(resourceId);
    }
    return [...this.pending];
  }
}

/** Where `npm run native` installs the native packages for Lambda's platform. */
export const NATIVE_DIR = 'infra/native';

/**
 * Copies a function's native packages, installed for linux-arm64 in
 * {@link NATIVE_DIR}, beside its bundle, so `require('sharp')` finds the arm64
 * binaries on Lambda. Runs offline: the packages were installed with `npm ci`.
 */
export function nativeModulesHook(repoRoot: string, spec: FunctionSpec): ICommandHooks {
  const source = path.join(repoRoot, NATIVE_DIR, 'node_modules');
  const missing = (spec.nativeModules ?? []).filter((name) => !existsSync(path.join(source, name, 'package.json')));
  if (missing.length) {
    throw new Error(`${spec.id} ships ${missing.join(', ')} for linux-arm64, which ${NATIVE_DIR}/node_modules lacks: run \`npm run native\` (npm ci runs it).`);
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    // The whole tree: the packages' own dependencies (sharp's @img binaries, libheif-js) come with them.
    afterBundling: (_inputDir: string, outputDir: string) => [`cp -R "${source}" "${path.join(outputDir, 'node_modules')}"`],
  };
}
