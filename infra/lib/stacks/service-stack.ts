import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { FUNCTIONS, ROUTES, STATE_MACHINES } from '../../catalogue';
import { REPO_ROOT, removalPolicyOf, type StageConfig } from '../config';
import { Api } from '../constructs/api';
import { AppFunction } from '../constructs/app-function';
import { Monitoring } from '../constructs/monitoring';
import { SiteContent } from '../constructs/site-content';
import { StaticSite } from '../constructs/static-site';
import { Workflow } from '../constructs/workflow';

/** Catalogue ID of the state machine that functions' `orderPipeline` grants and env refer to. */
export const ORDER_PIPELINE_ID = 'OrderPipeline';

export interface ServiceStackProps extends StackProps {
  readonly config: StageConfig;
  readonly table: dynamodb.ITable;
  readonly uploadsBucket: s3.IBucket;
  readonly outputsBucket: s3.IBucket;
  readonly userPool: cognito.IUserPool;
  readonly webClient: cognito.IUserPoolClient;
  /**
   * Folder with the built web app.
   * @default `${REPO_ROOT}/web/dist`
   */
  readonly webAssetDir?: string;
}

/**
 * Everything stateless, in one stack so no export sits between resources that
 * change together: the catalogue's functions, its state machines, the HTTP
 * API, the web site and the dashboard with its alarms.
 *
 * Wiring order breaks the one real cycle: functions first, then the state
 * machines (which need function ARNs), then the pipeline ARN and grants back
 * into the API functions that start, describe or resume executions. The web
 * origin goes into the API's CORS, and the API URL into the site's
 * `config.json`; the CSP allows API Gateway of the region rather than the one
 * API, since naming it would close a distribution → API → distribution loop.
 */
export class ServiceStack extends Stack {
  /** Catalogue function ID → function. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** Catalogue state machine ID → workflow. */
  readonly workflows: ReadonlyMap<string, Workflow>;
  readonly api: Api;
  readonly site: StaticSite;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRemovalPolicy = removalPolicyOf(config);

    const functions = new Map<string, AppFunction>();
    for (const spec of FUNCTIONS) {
      functions.set(
        spec.id,
        new AppFunction(this, spec.id, {
          spec,
          resources: { table: props.table, uploadsBucket: props.uploadsBucket, outputsBucket: props.outputsBucket },
          logRetention: config.logRetentionDays,
          logRemovalPolicy,
          logLevel: config.logLevel,
          metricsNamespace: config.metricsNamespace,
        }),
      );
    }
    this.functions = functions;
    const lambdas = new Map([...functions].map(([fnId, fn]) => [fnId, fn.function]));

    const workflows = new Map<string, Workflow>();
    for (const spec of STATE_MACHINES) {
      workflows.set(spec.id, new Workflow(this, spec.id, { spec, functions: lambdas, logRetention: config.logRetentionDays, logRemovalPolicy }));
    }
    this.workflows = workflows;

    const orderPipeline = workflows.get(ORDER_PIPELINE_ID);
    if (!orderPipeline) throw new Error(`The catalogue has no state machine "${ORDER_PIPELINE_ID}".`);
    for (const fn of functions.values()) fn.bindOrderPipeline(orderPipeline.stateMachine);

    this.site = new StaticSite(this, 'Site', {
      connectSources: [
        `https://*.execute-api.${this.region}.amazonaws.com`,
        `https://cognito-idp.${this.region}.amazonaws.com`,
        `https://${props.uploadsBucket.bucketRegionalDomainName}`,
      ],
      webAclArn: config.webAclArn,
      removalPolicy: logRemovalPolicy,
    });

    this.api = new Api(this, 'Api', {
      routes: ROUTES,
      functions: lambdas,
      userPool: props.userPool,
      userPoolClients: [props.webClient],
      allowedOrigins: [this.site.origin],
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      logRetention: config.logRetentionDays,
      logRemovalPolicy,
    });

    new SiteContent(this, 'SiteContent', {
      site: this.site,
      assetDir: props.webAssetDir ?? path.join(REPO_ROOT, 'web', 'dist'),
      config: {
        apiUrl: this.api.url,
        region: this.region,
        cognitoEndpoint: `https://cognito-idp.${this.region}.amazonaws.com/`,
        userPoolClientId: props.webClient.userPoolClientId,
      },
      logRetention: config.logRetentionDays,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: lambdas,
      stateMachines: new Map([...workflows].map(([wfId, wf]) => [wfId, wf.stateMachine])),
      httpApi: this.api.httpApi,
      alarmEmail: config.alarmEmail,
      keyRemovalPolicy: logRemovalPolicy,
    });

    new CfnOutput(this, 'WebUrl', { value: this.site.origin, description: 'The web app' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    for (const [wfId, wf] of workflows) {
      new CfnOutput(this, `${wfId}Arn`, { value: wf.stateMachine.stateMachineArn, description: `ARN of the ${wfId} state machine` });
    }
  }
}
