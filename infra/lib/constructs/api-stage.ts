import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteSpec, routeKey } from '../../catalogue';

export interface ApiStageProps {
  /** The API the stage serves. */
  readonly httpApi: apigw.IHttpApi;
  /** Every route of the API: those whose contract sets `throttle` get their own limits. */
  readonly routes: readonly RouteSpec[];
  /**
   * Steady-state requests per second of every route without its own limit.
   * @default 20
   */
  readonly rateLimit?: number;
  /**
   * Burst capacity of every route without its own limit.
   * @default 40
   */
  readonly burstLimit?: number;
  /**
   * How long access logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the access log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The API's `$default` stage: default throttling, tighter per-route limits on
 * the routes whose contract asks for them (those that create things), route-level
 * metrics (5xx per route, for the per-domain alarms) and JSON access logs.
 *
 * API Gateway refuses route settings for a route key that does not exist yet,
 * so the stage is built after every domain has added its routes.
 */
export class ApiStage extends Construct {
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiStageProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: props.httpApi,
      stageName: '$default',
      autoDeploy: true,
      detailedMetricsEnabled: true,
      throttle: { rateLimit: props.rateLimit ?? 20, burstLimit: props.burstLimit ?? 40 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        // HTTP API $context variables; no request bodies or tokens are logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const throttled = props.routes.filter((route) => route.contract.throttle);
    if (throttled.length) {
      // RouteSettings is a JSON map in CloudFormation, so its keys are written as CloudFormation spells them.
      const cfn = this.stage.node.defaultChild as apigw.CfnStage;
      cfn.routeSettings = Object.fromEntries(
        throttled.map((route) => [
          routeKey(route),
          { ThrottlingRateLimit: route.contract.throttle!.rateLimit, ThrottlingBurstLimit: route.contract.throttle!.burstLimit, DetailedMetricsEnabled: true },
        ]),
      );
    }
  }
}
