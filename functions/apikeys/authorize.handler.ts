import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, tracer } from '#lib/powertools';
import { OrganisationStore } from '#functions/organisations/organisation-store';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '#shared/apikeys';
import { ApiKeyStore } from './api-key-store';
import { authorize, type AuthorizerDeps, type AuthorizerEvent, type AuthorizerResult } from './authorizer';
import { CognitoTokenVerifier, parseTokenIssuer } from './token-verifier';

/**
 * The HTTP API's Lambda authorizer (REQUEST, payload 2.0, simple responses,
 * identity source `$request.header.Authorization`, results cached 300 s per
 * identity source): a Cognito token or an API key; see {@link authorize}.
 */
export const authorizeHandler = (deps: AuthorizerDeps) =>
  middy<AuthorizerEvent, AuthorizerResult, Error, Context>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event) => authorize(deps, event));

const table = requireEnv('Table');
/**
 * Requests a minute of a signed-in person. Only the local cloud sets it (its
 * test runs poll faster than people do); on AWS it is the default.
 */
const tokenLimit = Number(process.env.SIGNED_IN_RATE_LIMIT_PER_MINUTE);

export const handler = authorizeHandler({
  keys: new ApiKeyStore(ddb(), table),
  organisations: new OrganisationStore(ddb(), table),
  tokens: new CognitoTokenVerifier(parseTokenIssuer(requireEnv('SignInTokens'))),
  tokenRateLimitPerMinute: Number.isInteger(tokenLimit) && tokenLimit > 0 ? tokenLimit : DEFAULT_RATE_LIMIT_PER_MINUTE,
  log: (message, detail) => logger.info(message, detail),
});
