import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../catalogue';

export interface ApiProps {
  /** Issuer of the JWTs the API accepts. */
  readonly userPool: cognito.IUserPool;
  /** Audience of the JWTs the API accepts (the web app client). */
  readonly userPoolClients: readonly cognito.IUserPoolClient[];
  /** Browser origins allowed by CORS, e.g. `https://d111.cloudfront.net`. */
  readonly allowedOrigins: readonly string[];
}

/**
 * The HTTP API every domain adds its routes to: the Cognito JWT authorizer and
 * CORS for the web origin. Routes are added by each domain's construct in its
 * own stack with {@link addRoute}, so this stack never references a function
 * (no cycle); the `$default` stage ({@link ApiStage}) comes after them.
 *
 * The JWT authorizer accepts an ID token (its `aud`) or an access token (its
 * `client_id`) issued to one of the clients. Group membership (`admins`,
 * `artists`) is not checked here: the handler chain reads it from the route's
 * contract, so the rule lives in one place and holds locally too.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  /** The Cognito JWT authorizer, attached to every route whose auth is not `none`. */
  readonly authorizer: apigw.HttpAuthorizer;
  /** Issuer the authorizer accepts (the user pool's). */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Headshot studio API',
      createDefaultStage: false,
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

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`;
    this.authorizer = new apigw.HttpAuthorizer(this, 'CognitoAuthorizer', {
      httpApi: this.httpApi,
      type: apigw.HttpAuthorizerType.JWT,
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: this.issuer,
      jwtAudience: props.userPoolClients.map((client) => client.userPoolClientId),
    });
  }

  /** Base URL of the API, without a trailing slash (the `$default` stage is served at the root). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /**
   * Adds one route of the route table, served by `fn`, in `scope` (the
   * domain's stack): the route, its Lambda integration and invoke permission
   * live beside the function. Public routes (`auth: 'none'`) skip the authorizer.
   */
  addRoute(scope: Construct, route: RouteSpec, fn: lambda.IFunction): apigw.HttpRoute {
    const authorizer =
      route.auth === 'none'
        ? new apigw.HttpNoneAuthorizer()
        : apigw.HttpAuthorizer.fromHttpAuthorizerAttributes(scope, `${route.contract.operationId}Authorizer`, {
            authorizerId: this.authorizer.authorizerId,
            authorizerType: apigw.HttpAuthorizerType.JWT,
          });
    const created = new apigw.HttpRoute(scope, `${route.contract.operationId[0].toUpperCase()}${route.contract.operationId.slice(1)}Route`, {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${route.functionId}Integration`, fn),
      authorizer,
    });
    if (route.auth === 'none') {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${route.method} ${route.path} is public by its contract (auth "none"): ${route.contract.summary.toLowerCase()}; it reads nothing private and is throttled with the stage.`,
      });
    }
    return created;
  }
}
