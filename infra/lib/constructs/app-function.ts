import * as path from 'node:path';
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUNDLING } from '../../bundling';
import { type Access, ENV, type EnvKey, type FunctionSpec, TABLE } from '../../catalogue';
import { REPO_ROOT } from '../config';
import { acknowledgeStarResource, acknowledgeWildcardResource } from './nag';

/** The Lambda runtime of every function; cdk-nag's L1 rule wants the newest Node.js. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The stateful resources a function may be granted, handed over as interfaces. */
export interface AppFunctionResources {
  readonly table: dynamodb.ITable;
  readonly uploadsBucket: s3.IBucket;
  readonly outputsBucket: s3.IBucket;
}

export interface AppFunctionProps {
  /** The catalogue entry: entry file, memory, timeout, environment keys and grants. */
  readonly spec: FunctionSpec;
  /** The resources `spec.grants` and `spec.env` refer to. */
  readonly resources: AppFunctionResources;
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
   * Directory `spec.entry` is relative to (holds package-lock.json).
   * @default REPO_ROOT
   */
  readonly repoRoot?: string;
}

/** DynamoDB actions per access level; the single-table design needs no more. */
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const TABLE_ACTIONS: Record<Access, readonly string[]> = {
  read: TABLE_READ,
  readWrite: [...TABLE_READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};

/** S3 object actions per access level (presigned POST and PUT need s3:PutObject). */
const OBJECT_ACTIONS: Record<Access, readonly string[]> = {
  read: ['s3:GetObject'],
  readWrite: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
};

/**
 * One Lambda function of the catalogue, with the defaults every function
 * shares: Node.js 24 on arm64, esbuild bundle with source maps
 * ({@link BUNDLING}), X-Ray tracing, its own log group with retention,
 * Powertools variables, cost-allocation tags (`function`, `capability`) and a
 * role holding exactly the grants of `spec.grants`.
 *
 * Grants are written as explicit statements instead of the `grant*` helpers:
 * those add action wildcards (`s3:GetObject*`, `s3:List*`) and `index/*` that
 * the functions do not need.
 *
 * The order pipeline's ARN is not known when functions are created (the state
 * machine needs the functions' ARNs first); call {@link bindOrderPipeline}
 * once it exists. Synthesis fails if a function's `env` or `grants` were not
 * all satisfied.
 */
export class AppFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly resources: AppFunctionResources;
  private readonly pending = new Set<EnvKey>();

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { spec, resources } = props;
    this.spec = spec;
    this.resources = resources;
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
        externalModules: [...BUNDLING.external],
        mainFields: [...BUNDLING.mainFields],
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: spec.id,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? 'HeadshotStudio',
      },
    });
    // Tracing ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*".
    acknowledgeStarResource(this.role, 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (tracing ACTIVE).');

    Tags.of(this).add('function', spec.id);
    Tags.of(this).add('capability', spec.capability);

    for (const key of spec.env) this.pending.add(key);
    this.provideEnv('tableName', resources.table.tableName);
    this.provideEnv('uploadsBucket', resources.uploadsBucket.bucketName);
    this.provideEnv('outputsBucket', resources.outputsBucket.bucketName);

    if (spec.grants.table) this.grantTable(spec.grants.table);
    if (spec.grants.uploadsBucket) this.grantBucket(resources.uploadsBucket, spec.grants.uploadsBucket, 'uploads');
    if (spec.grants.outputsBucket) this.grantBucket(resources.outputsBucket, spec.grants.outputsBucket, 'outputs');
    if (spec.grants.orderPipeline?.length) this.pending.add('orderPipelineArn');

    this.node.addValidation({
      validate: () =>
        [...this.pending].map((key) => `${spec.id} needs ${ENV[key]} (catalogue env or grants) but it was never provided; call bindOrderPipeline()?`),
    });
  }

  /** The function's ARN, for state machine substitutions and alarms. */
  get functionArn(): string {
    return this.function.functionArn;
  }

  /**
   * Hands the order pipeline to the function: sets `ORDER_PIPELINE_ARN` when
   * the spec reads it and grants the spec's `orderPipeline` actions. A no-op
   * for functions that need neither.
   */
  bindOrderPipeline(stateMachine: sfn.IStateMachine): void {
    if (this.spec.env.includes('orderPipelineArn')) this.function.addEnvironment(ENV.orderPipelineArn, stateMachine.stateMachineArn);
    for (const action of this.spec.grants.orderPipeline ?? []) {
      switch (action) {
        case 'start':
          stateMachine.grantStartExecution(this.function);
          break;
        case 'describe': {
          // Executions are named per order, so the grant covers this machine's executions.
          const executionArn = Stack.of(stateMachine).formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          });
          this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [`${executionArn}:*`] }));
          acknowledgeWildcardResource(
            this.role,
            stateMachine,
            executionArn,
            ':*',
            `${this.spec.id} describes executions of the order pipeline; execution names are order IDs only known at run time, so the ARN ends in ":*" within this one state machine.`,
          );
          break;
        }
        case 'taskResponse':
          // SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat: a missing failure
          // permission would leave rejected orders waiting until their timeout.
          stateMachine.grantTaskResponse(this.function);
          break;
      }
    }
    this.pending.delete('orderPipelineArn');
  }

  private provideEnv(key: EnvKey, value: string): void {
    if (!this.spec.env.includes(key)) return;
    this.function.addEnvironment(ENV[key], value);
    this.pending.delete(key);
  }

  private grantTable(access: Access): void {
    const { table } = this.resources;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        // The table and each named GSI, no `index/*` wildcard.
        resources: [table.tableArn, ...TABLE.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
      }),
    );
  }

  private grantBucket(bucket: s3.IBucket, access: Access, label: string): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...OBJECT_ACTIONS[access]], resources: [bucket.arnForObjects('*')] }));
    // ListBucket lets a missing object answer 404 instead of 403.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    acknowledgeWildcardResource(
      this.role,
      bucket,
      bucket.bucketArn,
      '/*',
      `${this.spec.id} ${access === 'read' ? 'reads' : 'reads and writes'} objects of the ${label} bucket only; object keys carry per-order IDs, so the grant is "${label} bucket ARN/*".`,
    );
  }
}
