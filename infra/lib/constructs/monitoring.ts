import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../catalogue';

export interface MonitoringProps {
  /** Functions to watch, by catalogue ID. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** State machines to watch, by catalogue ID. */
  readonly stateMachines: ReadonlyMap<string, sfn.IStateMachine>;
  /** The HTTP API to watch. */
  readonly httpApi: apigw.IHttpApi;
  /** Its stage, whose route-level metrics the per-group 5xx alarms read. */
  readonly stage: apigw.IHttpStage;
  /**
   * Routes by group (the domain that serves them): one 5xx-rate alarm each.
   * API handlers answer 5xx without throwing, so function error alarms cannot see them.
   * @default - no per-group alarms
   */
  readonly routeGroups?: ReadonlyMap<string, readonly RouteSpec[]>;
  /**
   * Share of a group's requests (percent) answered 5xx in 5 minutes that raises its alarm.
   * @default 5
   */
  readonly api5xxRatePercent?: number;
  /**
   * Fewest requests in 5 minutes before a group's 5xx rate counts (a lone failure is no rate).
   * @default 10
   */
  readonly api5xxMinRequests?: number;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * API 5xx responses in 5 minutes that raise the alarm.
   * @default 5
   */
  readonly api5xxThreshold?: number;
  /**
   * What happens to the topic's KMS key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/**
 * What an operator looks at: one dashboard (per-function invocations, errors
 * and duration; state machine outcomes; API 4xx/5xx and latency) and alarms on
 * function errors, failed or timed-out executions and API 5xx, published to an
 * encrypted, TLS-only SNS topic.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);

    // A customer managed key: CloudWatch alarms cannot publish to a topic under the AWS managed SNS key.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the headshot studio alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Headshot studio alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });

    const api = props.httpApi;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# API', width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [api.metricCount({ period }), api.metricClientError({ period }), api.metricServerError({ period })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency',
        left: [api.metricLatency({ period, statistic: 'p50' }), api.metricLatency({ period, statistic: 'p99' })],
        width: 12,
      }),
    );
    alarm('Api5xxAlarm', api.metricServerError({ period, statistic: 'Sum' }), props.api5xxThreshold ?? 5, 'The HTTP API answered 5xx');

    // Per route group: the 5xx share of its requests, from the stage's route-level metrics
    // (dimensions ApiId, Stage, Method, Resource; detailed metrics are on). A metric-math
    // alarm reads at most 10 metrics, so a group of more than 5 routes gets one alarm per 5.
    const rate = props.api5xxRatePercent ?? 5;
    const minRequests = props.api5xxMinRequests ?? 10;
    const routeMetric = (route: RouteSpec, metricName: '5xx' | 'Count') =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: api.apiId, Stage: props.stage.stageName, Method: route.method, Resource: route.path },
        statistic: 'Sum',
        period,
      });
    for (const [group, routes] of props.routeGroups ?? []) {
      for (let start = 0; start < routes.length; start += 5) {
        const chunk = routes.slice(start, start + 5);
        const usingMetrics: Record<string, cloudwatch.IMetric> = {};
        chunk.forEach((route, i) => {
          usingMetrics[`e${i}`] = routeMetric(route, '5xx');
          usingMetrics[`c${i}`] = routeMetric(route, 'Count');
        });
        const errors = chunk.map((_, i) => `FILL(e${i}, 0)`).join(' + ');
        const requests = chunk.map((_, i) => `FILL(c${i}, 0)`).join(' + ');
        const suffix = routes.length > 5 ? `${start / 5 + 1}` : '';
        alarm(
          `Api5xxRate${group.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase())}${suffix}Alarm`,
          new cloudwatch.MathExpression({
            expression: `IF((${requests}) >= ${minRequests}, 100 * (${errors}) / (${requests}), 0)`,
            usingMetrics,
            label: `${group} routes: % of requests answered 5xx`,
            period,
          }),
          rate,
          `The ${group} routes answered ${rate}% or more of their requests with 5xx (at least ${minRequests} requests in 5 minutes): ${chunk.map((r) => `${r.method} ${r.path}`).join(', ')}`,
        );
      }
    }

    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '# Workflows', width: 24, height: 1 }));
    for (const [id, stateMachine] of props.stateMachines) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${id} executions`,
          left: [
            stateMachine.metricStarted({ period }),
            stateMachine.metricSucceeded({ period }),
            stateMachine.metricFailed({ period }),
            stateMachine.metricTimedOut({ period }),
            stateMachine.metricAborted({ period }),
          ],
          width: 24,
        }),
      );
      alarm(`${id}FailedAlarm`, stateMachine.metricFailed({ period }), 1, `${id}: an execution failed (the customer was told why and refunded)`);
      alarm(`${id}TimedOutAlarm`, stateMachine.metricTimedOut({ period }), 1, `${id}: an execution timed out`);
    }

    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '# Functions', width: 24, height: 1 }));
    for (const [id, fn] of props.functions) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: `${id} invocations`, left: [fn.metricInvocations({ period })], width: 8 }),
        new cloudwatch.GraphWidget({ title: `${id} errors`, left: [fn.metricErrors({ period }), fn.metricThrottles({ period })], width: 8 }),
        new cloudwatch.GraphWidget({
          title: `${id} duration`,
          left: [fn.metricDuration({ period, statistic: 'p50' }), fn.metricDuration({ period, statistic: 'p99' })],
          width: 8,
        }),
      );
      alarm(`${id}ErrorsAlarm`, fn.metricErrors({ period }), 1, `${id}: the function threw`);
    }
  }
}
