import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { assertSubstitutions, type StateMachineSpec } from '../../catalogue';
import { REPO_ROOT } from '../config';
import { acknowledgeStarResource } from './nag';

export interface WorkflowProps {
  /** The catalogue entry: ASL file, placeholder → function ID, timeout. */
  readonly spec: StateMachineSpec;
  /** Every function the spec's placeholders name, by catalogue ID. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /**
   * How long the execution history log group keeps its logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Directory `spec.definitionFile` is relative to.
   * @default REPO_ROOT
   */
  readonly repoRoot?: string;
}

/**
 * A Standard state machine defined by one `statemachines/*.asl.json` file,
 * the same file the local runtime executes. CloudFormation substitutes each
 * `${Placeholder}` with the ARN of the function the catalogue names; the
 * role may invoke exactly those functions. Execution history goes to
 * CloudWatch Logs at level ALL without execution data (task tokens stay out of
 * the logs), traces to X-Ray.
 *
 * The catalogue's timeout becomes the definition's top-level `TimeoutSeconds`
 * (the state machine `timeout` prop only applies to CDK-built definitions).
 */
export class Workflow extends Construct {
  readonly spec: StateMachineSpec;
  readonly stateMachine: sfn.StateMachine;
  /**
   * The state machine as grants name it: its ARN built from its name, not a
   * reference to the resource. A function the state machine invokes may then
   * be granted the machine itself (a task token's SendTaskSuccess) without a
   * dependency cycle (function → policy → state machine → function).
   */
  readonly reference: sfn.IStateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    const file = path.join(props.repoRoot ?? REPO_ROOT, spec.definitionFile);
    const raw = readFileSync(file, 'utf8');

    assertSubstitutions(spec, raw);
    const functions = Object.entries(spec.functionArns).map(([placeholder, functionId]) => {
      const fn = props.functions.get(functionId);
      if (!fn) throw new Error(`${spec.id}: \${${placeholder}} names function "${functionId}", which was not created.`);
      return [placeholder, fn] as const;
    });

    const definition = JSON.parse(raw) as Record<string, unknown>;
    if (definition.TimeoutSeconds !== undefined && definition.TimeoutSeconds !== spec.timeoutSeconds) {
      throw new Error(`${spec.id}: ${spec.definitionFile} sets TimeoutSeconds ${String(definition.TimeoutSeconds)}, the catalogue ${spec.timeoutSeconds}.`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // A fixed name (stack and catalogue ID) makes the ARN known before the machine exists.
    const stateMachineName = `${Stack.of(this).stackName}-${spec.id}`.slice(0, 80);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify({ ...definition, TimeoutSeconds: spec.timeoutSeconds }, null, 2)),
      definitionSubstitutions: Object.fromEntries(functions.map(([placeholder, fn]) => [placeholder, fn.functionArn])),
      tracingEnabled: true,
      // Every event, without its data: a waitForTaskToken task's parameters carry the task token,
      // which would let anyone who reads the logs decide an order.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    this.reference = sfn.StateMachine.fromStateMachineName(this, 'Reference', stateMachineName);

    // The ASL calls the unqualified ARNs, so no `:*` version wildcard is granted.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map(([, fn]) => fn.functionArn) }),
    );
    // Log delivery (logs:CreateLogDelivery, …) and X-Ray (xray:PutTraceSegments, …) only accept "*".
    acknowledgeStarResource(
      this.stateMachine.role,
      `${spec.id}: CloudWatch Logs vended log delivery and X-Ray tracing APIs support no resource-level permissions.`,
    );
    Tags.of(this).add('workflow', spec.id);
  }
}
