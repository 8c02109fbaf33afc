import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { removalPolicyOf, type StageConfig } from '../config';
import { Monitoring } from '../constructs/monitoring';

export interface MonitoringStackProps extends StackProps {
  readonly config: StageConfig;
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly stateMachines: ReadonlyMap<string, sfn.IStateMachine>;
  readonly httpApi: apigw.IHttpApi;
}

/** The dashboard and alarms over every domain; deployed last, as it reads them all. */
export class MonitoringStack extends Stack {
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: props.functions,
      stateMachines: props.stateMachines,
      httpApi: props.httpApi,
      alarmEmail: props.config.alarmEmail,
      keyRemovalPolicy: removalPolicyOf(props.config),
    });
  }
}
