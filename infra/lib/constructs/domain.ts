import { Duration, type RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DomainSpec } from '../../catalogue';
import type { ResourceIndex } from '../resource-index';
import type { Api } from './api';
import { AppFunction } from './app-function';
import { Workflow } from './workflow';

export interface DomainProps {
  /** The domain's catalogue entry: functions, routes, state machines. */
  readonly spec: DomainSpec;
  /** Resources the functions may be granted; the domain's state machines are added to it. */
  readonly index: ResourceIndex;
  /** The HTTP API the domain's routes are added to. */
  readonly api: Api;
  /**
   * How long function and workflow logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to log groups when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * CloudWatch namespace of the business metrics.
   * @default 'HeadshotStudio'
   */
  readonly metricsNamespace?: string;
  /** The stage's name, handed to every function as `STAGE_NAME`. */
  readonly stage?: string;
}

/**
 * One domain of the product, from its catalogue file: its functions, its
 * workflows (added to the resource index as they are created), the grants of
 * every function, and its routes on the shared HTTP API. Everything is tagged
 * `domain: <id>` so cost can be read per domain as well as per function.
 */
export class Domain extends Construct {
  readonly spec: DomainSpec;
  /** Catalogue function ID → function. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** Catalogue state machine ID → workflow. */
  readonly workflows: ReadonlyMap<string, Workflow>;

  constructor(scope: Construct, id: string, props: DomainProps) {
    super(scope, id);
    const { spec, index } = props;
    this.spec = spec;

    const functions = new Map<string, AppFunction>();
    for (const fn of spec.functions) {
      functions.set(
        fn.id,
        new AppFunction(this, fn.id, {
          spec: fn,
          logRetention: props.logRetention,
          logRemovalPolicy: props.logRemovalPolicy,
          logLevel: props.logLevel,
          metricsNamespace: props.metricsNamespace,
          stage: props.stage,
        }),
      );
    }
    this.functions = functions;

    const lambdas = new Map([...functions].map(([fnId, fn]) => [fnId, fn.function]));
    const workflows = new Map<string, Workflow>();
    for (const machine of spec.stateMachines) {
      const workflow = new Workflow(this, machine.id, {
        spec: machine,
        functions: lambdas,
        logRetention: props.logRetention,
        logRemovalPolicy: props.logRemovalPolicy,
      });
      index.add(machine.id, 'stateMachine', workflow.reference);
      workflows.set(machine.id, workflow);
    }
    this.workflows = workflows;

    for (const fn of functions.values()) fn.bind(index);

    // Object events reach the function through EventBridge: a bucket notification would make the
    // stateful stack reference this one (see ObjectEventSpec).
    for (const subscription of spec.objectEvents ?? []) {
      const fn = functions.get(subscription.functionId);
      if (!fn) throw new Error(`An object event of ${spec.id} names function "${subscription.functionId}", which the domain does not declare.`);
      const bucket = index.get(subscription.bucket, 'bucket');
      if (!bucket) throw new Error(`${subscription.functionId} listens to ${subscription.bucket}, which is not created before the ${spec.id} domain.`);
      new events.Rule(this, `${subscription.functionId}On${subscription.bucket}`, {
        description: `${subscription.functionId} for each object created under ${subscription.prefix} in ${subscription.bucket}`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix: subscription.prefix }] } },
        },
        targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      });
    }

    for (const schedule of spec.schedules ?? []) {
      const fn = functions.get(schedule.functionId);
      if (!fn) throw new Error(`A schedule of ${spec.id} names function "${schedule.functionId}", which the domain does not declare.`);
      new events.Rule(this, `${schedule.functionId}Schedule`, {
        description: `${schedule.functionId} every ${schedule.everyMinutes} minutes`,
        schedule: events.Schedule.rate(Duration.minutes(schedule.everyMinutes)),
        targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 2, maxEventAge: Duration.minutes(schedule.everyMinutes) })],
      });
    }

    for (const route of spec.routes) {
      const fn = functions.get(route.functionId);
      if (!fn) throw new Error(`Route ${route.method} ${route.path} names function "${route.functionId}", which the ${spec.id} domain does not declare.`);
      props.api.addRoute(this, route, fn.function);
    }

    Tags.of(this).add('domain', spec.id);
  }
}
