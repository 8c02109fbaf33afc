import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AUTHORIZER_CACHE_TTL_SECONDS, type RouteSpec } from '../../catalogue';

export interface ApiProps {
  /**
   * The Lambda authorizer of every signed-in route: it accepts a Cognito
   * token or an API key (functions/apikeys/authorize.handler.ts).
   */
  readonly authorizerFunction: lambda.IFunction;
  /** Browser origins allowed by CORS, e.g. `https://d111.cloudfront.net`. */
  readonly allowedOrigins: readonly string[];
  /**
   * How long API Gateway caches the authorizer's answer for one `Authorization` header.
   * @default AUTHORIZER_CACHE_TTL_SECONDS (300 s, API Gateway's default)
   */
  readonly authorizerCacheTtl?: Duration;
}

/**
 * The HTTP API every domain adds its routes to: the Lambda authorizer and
 * CORS for the web origin. Routes are added by each domain's construct in its
 * own stack with {@link addRoute}, so this stack never references a function
 * of a domain (no cycle); the `$default` stage ({@link ApiStage}) comes after them.
 *
 * The authorizer is a REQUEST authorizer with payload format 2.0 and simple
 * responses (`{ isAuthorized, context }`), identity source
 * `$request.header.Authorization`, results cached per identity source. API
 * Gateway answers 401 without calling it when the header is missing, 403 when
 * it answers `isAuthorized: false`, 500 when it fails. Group membership
 * (`admins`, `artists`) is not checked here: the handler chain reads it from
 * the route's contract, so the rule lives in one place and holds locally too.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  /** The Lambda authorizer, attached to every route whose auth is not `none`. */
  readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Headshot studio API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['retry-after'],
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

    this.authorizer = new HttpLambdaAuthorizer('Authorizer', props.authorizerFunction, {
      authorizerName: 'TokenOrApiKey',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
    });
    // HttpLambdaAuthorizer creates its AWS::ApiGatewayV2::Authorizer and the function's invoke
    // permission on its first bind, in the bind's scope and for the route's API. Bind it here, in this
    // stack, so it never lands in a domain stack; domain stacks import its ID (see addRoute). The bind
    // reads only `route.httpApi` and the route's stack, which this construct provides.
    this.authorizer.bind({ scope: this, route: this as unknown as apigw.IHttpRoute });
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
            // A route names a Lambda authorizer with AuthorizationType CUSTOM (the authorizer itself is of type REQUEST).
            authorizerType: 'CUSTOM',
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
