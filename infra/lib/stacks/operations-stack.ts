import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DomainSpec } from '../../catalogue';
import { removalPolicyOf, type StageConfig } from '../config';
import { ApiStage } from '../constructs/api-stage';
import { Monitoring } from '../constructs/monitoring';

export interface OperationsStackProps extends StackProps {
  readonly config: StageConfig;
  readonly httpApi: apigw.IHttpApi;
  /** The domains, for per-route stage settings and per-domain alarms. */
  readonly domains: readonly DomainSpec[];
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly stateMachines: ReadonlyMap<string, sfn.IStateMachine>;
}

/**
 * What operates the stage, deployed last because it reads every domain: the
 * API's `$default` stage (throttling, per-route limits, access logs, route
 * metrics; API Gateway refuses settings for routes that do not exist yet) and
 * the dashboard with its alarms.
 */
export class OperationsStack extends Stack {
  readonly apiStage: ApiStage;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);
    const routes = props.domains.flatMap((domain) => domain.routes);
    this.apiStage = new ApiStage(this, 'ApiStage', {
      httpApi: props.httpApi,
      routes,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      logRetention: config.logRetentionDays,
      logRemovalPolicy: removalPolicy,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: props.functions,
      stateMachines: props.stateMachines,
      httpApi: props.httpApi,
      stage: this.apiStage.stage,
      routeGroups: new Map(props.domains.filter((d) => d.routes.length).map((d) => [d.id, d.routes])),
      alarmEmail: config.alarmEmail,
      keyRemovalPolicy: removalPolicy,
    });
  }
}
