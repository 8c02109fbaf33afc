import type { LocalStatement } from '../binders';

/**
 * IAM evaluation of a function's identity-based policy, as AWS does it for
 * the statements the catalogue grants: Allow statements only, so a request
 * is allowed when some statement matches both its action and its resource,
 * and denied by default otherwise.
 */

/** The services the local cloud authorizes, by their IAM prefix. */
export type IamService = 'dynamodb' | 's3' | 'states' | 'cognito-idp' | 'ses' | 'secretsmanager';

/** One authorization a request needs: an action on a resource ARN (`*` when the action takes none). */
export interface RequiredAccess {
  readonly action: string;
  readonly resource: string;
  /**
   * The resource could not be named here (a task token this runtime does not know): allowed when
   * some statement grants the action on any resource, so the service answers for the token itself.
   */
  readonly anyResource?: boolean;
}

/** IAM's wildcard match: `*` any run of characters, `?` one character; actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Whether one statement allows one action on one resource. */
export function statementAllows(statement: LocalStatement, access: RequiredAccess): boolean {
  return (
    statement.actions.some((action) => wildcardMatch(action, access.action, true)) &&
    (access.anyResource || statement.resources.some((resource) => wildcardMatch(resource, access.resource)))
  );
}

/** The first access no statement allows (default deny), or undefined when all are allowed. */
export function firstDenied(statements: readonly LocalStatement[], required: readonly RequiredAccess[]): RequiredAccess | undefined {
  return required.find((access) => !statements.some((statement) => statementAllows(statement, access)));
}

/** The session ARN a Lambda function's calls are made as: its role, with the function name as session. */
export function assumedRoleArn(accountId: string, functionId: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${functionId}Role/${functionId}`;
}

/** The message IAM writes for an implicit deny. */
export function accessDeniedMessage(principalArn: string, access: RequiredAccess): string {
  return `User: ${principalArn} is not authorized to perform: ${access.action} on resource: ${access.resource} because no identity-based policy allows the ${access.action} action`;
}

/** An HTTP answer a proxy sends back. */
export interface ProxyAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The answer each service gives an unauthorized call. DynamoDB, Step Functions and Cognito
 * answer JSON with HTTP 400 (DynamoDB spells its type with the Coral namespace and `Message`);
 * S3 answers its XML error with HTTP 403 and no detail.
 */
export function accessDeniedAnswer(service: IamService, principalArn: string, access: RequiredAccess, requestId: string): ProxyAnswer {
  const message = accessDeniedMessage(principalArn, access);
  switch (service) {
    case 'dynamodb':
      return json(400, 'application/x-amz-json-1.0', { __type: 'com.amazon.coral.service#AccessDeniedException', Message: message }, requestId);
    case 'states':
      return json(400, 'application/x-amz-json-1.0', { __type: 'AccessDeniedException', message }, requestId);
    case 'cognito-idp':
      return json(400, 'application/x-amz-json-1.1', { __type: 'AccessDeniedException', message }, requestId);
    case 'secretsmanager':
      // Secrets Manager spells its message `Message`.
      return json(400, 'application/x-amz-json-1.1', { __type: 'AccessDeniedException', Message: message }, requestId);
    case 'ses':
      return restJson(403, 'AccessDeniedException', message, requestId);
    case 's3':
      return {
        status: 403,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
      };
  }
}

/** restJson1 services (SES v2) name the error in `x-amzn-ErrorType` and answer `{ message }`. */
function restJson(status: number, type: string, message: string, requestId: string): ProxyAnswer {
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': type }, body: JSON.stringify({ message }) };
}

function json(status: number, contentType: string, body: unknown, requestId: string): ProxyAnswer {
  return { status, headers: { 'content-type': contentType, 'x-amzn-requestid': requestId }, body: JSON.stringify(body) };
}

/** The answer to a request signed with an access key the local cloud does not know. */
export function unrecognizedKeyAnswer(service: IamService, accessKey: string, requestId: string): ProxyAnswer {
  if (service === 's3') {
    return {
      status: 403,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>${accessKey.replace(/[<&>]/g, '')}</AWSAccessKeyId><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  if (service === 'ses') return restJson(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.', requestId);
  const contentType = service === 'cognito-idp' || service === 'secretsmanager' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
  return json(400, contentType, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }, requestId);
}
