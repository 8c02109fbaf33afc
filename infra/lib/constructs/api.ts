import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteSpec, routeKey } from '../../catalogue';

export interface ApiProps {
  /** The route table; one API route per entry. */
  readonly routes: readonly RouteSpec[];
  /** Every function the routes name, by catalogue ID. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** Issuer of the JWTs the API accepts. */
  readonly userPool: cognito.IUserPool;
  /** Audience of the JWTs the API accepts (the web app client). */
  readonly userPoolClients: readonly cognito.IUserPoolClient[];
  /** Browser origins allowed by CORS, e.g. `https://d111.cloudfront.net`. */
  readonly allowedOrigins: readonly string[];
  /**
   * Steady-state requests per second of the default stage.
   * @default 20
   */
  readonly rateLimit?: number;
  /**
   * Burst capacity of the default stage.
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
 * The HTTP API in front of the functions: one route per {@link RouteSpec},
 * every route behind the Cognito JWT authorizer, a `$default` stage with
 * throttling and JSON access logs, and CORS for the web origin.
 *
 * Group membership (`admins`, `artists`) is not checked here: the handler
 * chain reads `group` from the same route table, so the rule lives in one place
 * and holds locally too.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Route key (`GET /orders/{orderId}`) → route. */
  readonly routes = new Map<string, apigw.HttpRoute>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [...props.userPoolClients],
    });

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Headshot studio API',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowHeaders: ['authorization', 'content-type'],
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.DELETE,
          apigw.CorsHttpMethod.OPTIONS,
        ],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
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

    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of props.routes) {
      const fn = props.functions.get(route.functionId);
      if (!fn) throw new Error(`Route ${routeKey(route)} names function "${route.functionId}", which was not created.`);
      let integration = integrations.get(route.functionId);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.functionId}Integration`, fn);
        integrations.set(route.functionId, integration);
      }
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
      });
      this.routes.set(routeKey(route), created);
    }
  }

  /** Base URL of the API, without a trailing slash (the `$default` stage is served at the root). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
