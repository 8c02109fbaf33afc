import type { IamService, RequiredAccess } from './policy';

/**
 * Maps a raw service request to the IAM authorizations AWS requires for it
 * (the Service Authorization Reference's actions and resource types), for the
 * services the local cloud runs: DynamoDB, S3, Step Functions, Cognito and SES v2.
 */

/** A request as the authorizing proxy received it. */
export interface ServiceRequest {
  readonly method: string;
  /** The path with its query string (`/bucket/key?uploads`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer | string;
}

export interface RequestContext {
  readonly region: string;
  readonly accountId: string;
  /** The state machine ARN of the execution a task token belongs to (SendTask* authorize on it). */
  readonly taskTokenStateMachine?: (token: string) => string | undefined;
  /** The ARN of a secret named by its name or partial ARN (Secrets Manager authorizes on the full ARN). */
  readonly secretArn?: (secretId: string) => string | undefined;
}

/**
 * The access key a request is signed with: SigV4's `Credential=<key>/<date>/<region>/<service>/aws4_request`
 * in the Authorization header or the `X-Amz-Credential` query parameter (presigned URLs), or SigV2's
 * `AWS <key>:<signature>`. Undefined for an anonymous request.
 */
export function accessKeyOf(request: Pick<ServiceRequest, 'url' | 'headers'>): string | undefined {
  const authorization = header(request.headers, 'authorization');
  if (authorization) {
    const v4 = /Credential=([^/,\s]+)\//.exec(authorization);
    if (v4) return v4[1];
    const v2 = /^AWS ([^:\s]+):/.exec(authorization);
    if (v2) return v2[1];
  }
  const query = new URL(request.url, 'http://local').searchParams;
  const credential = query.get('X-Amz-Credential') ?? query.get('AWSAccessKeyId');
  return credential ? credential.split('/')[0] : undefined;
}

/** Replaces the access key a request is signed with (s3rver accepts only its own key pair). */
export function withAccessKey<T extends Pick<ServiceRequest, 'url' | 'headers'>>(request: T, from: string, to: string): { url: string; headers: Record<string, string | string[] | undefined> } {
  const headers = { ...request.headers };
  const authorization = header(headers, 'authorization');
  if (authorization) headers.authorization = authorization.replace(`Credential=${from}/`, `Credential=${to}/`).replace(`AWS ${from}:`, `AWS ${to}:`);
  const url = request.url.replace(`X-Amz-Credential=${from}%2F`, `X-Amz-Credential=${to}%2F`).replace(`X-Amz-Credential=${from}/`, `X-Amz-Credential=${to}/`).replace(`AWSAccessKeyId=${from}&`, `AWSAccessKeyId=${to}&`);
  return { url, headers };
}

/** The authorizations a request needs; every one must be allowed. */
export function requiredAccess(service: IamService, request: ServiceRequest, ctx: RequestContext): RequiredAccess[] {
  switch (service) {
    case 'dynamodb':
      return dynamodbAccess(request, ctx);
    case 's3':
      return s3Access(request);
    case 'states':
      return statesAccess(request, ctx);
    case 'cognito-idp':
      return cognitoAccess(request, ctx);
    case 'ses':
      return sesAccess(request, ctx);
    case 'secretsmanager':
      return secretsManagerAccess(request, ctx);
  }
}

type Json = Record<string, unknown>;

function jsonBody(request: ServiceRequest): Json {
  const text = request.body.toString();
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Json) : {};
  } catch {
    return {};
  }
}

/** The operation named by `X-Amz-Target: <Prefix>.<Operation>`. */
function operationOf(request: ServiceRequest): string {
  const target = header(request.headers, 'x-amz-target') ?? '';
  return target.slice(target.lastIndexOf('.') + 1);
}

function dynamodbAccess(request: ServiceRequest, ctx: RequestContext): RequiredAccess[] {
  const op = operationOf(request);
  const body = jsonBody(request);
  const table = (name: unknown) => {
    const value = String(name);
    return value.startsWith('arn:') ? value : `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${value}`;
  };
  const items = (key: string) => Object.keys((body[key] as Json | undefined) ?? {});
  switch (op) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return items('RequestItems').map((name) => ({ action: `dynamodb:${op}`, resource: table(name) }));
    case 'TransactGetItems':
    case 'TransactWriteItems': {
      const perItem: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
      return ((body.TransactItems as Json[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item)
          .filter(([kind]) => perItem[kind])
          .map(([kind, value]) => ({ action: `dynamodb:${perItem[kind]}`, resource: table((value as Json).TableName) })),
      );
    }
    default: {
      if (typeof body.TableName !== 'string') return [{ action: `dynamodb:${op}`, resource: '*' }];
      const index = typeof body.IndexName === 'string' ? `/index/${body.IndexName}` : '';
      return [{ action: `dynamodb:${op}`, resource: `${table(body.TableName)}${index}` }];
    }
  }
}

function s3Access(request: ServiceRequest): RequiredAccess[] {
  const url = new URL(request.url, 'http://local');
  const query = url.searchParams;
  const [bucket, ...rest] = url.pathname.slice(1).split('/');
  const key = decodeURIComponent(rest.join('/'));
  const method = request.method.toUpperCase();
  const has = (name: string) => query.has(name);
  const access = (action: string, resource: string): RequiredAccess => ({ action: `s3:${action}`, resource });
  if (!bucket) return [access('ListAllMyBuckets', '*')];
  const bucketArn = `arn:aws:s3:::${decodeURIComponent(bucket)}`;
  if (!key) {
    if (method === 'POST' && has('delete')) {
      const keys = [...request.body.toString().matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1]));
      return keys.map((k) => access('DeleteObject', `${bucketArn}/${k}`));
    }
    const sub = ['versions', 'uploads', 'location', 'policy', 'cors', 'acl', 'tagging', 'lifecycle', 'website', 'notification'].find(has);
    if (method === 'GET' || method === 'HEAD') {
      const read: Record<string, string> = {
        versions: 'ListBucketVersions',
        uploads: 'ListBucketMultipartUploads',
        location: 'GetBucketLocation',
        policy: 'GetBucketPolicy',
        cors: 'GetBucketCORS',
        acl: 'GetBucketAcl',
        tagging: 'GetBucketTagging',
        lifecycle: 'GetLifecycleConfiguration',
        website: 'GetBucketWebsite',
        notification: 'GetBucketNotification',
      };
      return [access(sub ? read[sub] : 'ListBucket', bucketArn)];
    }
    if (method === 'PUT') {
      const write: Record<string, string> = { policy: 'PutBucketPolicy', cors: 'PutBucketCORS', acl: 'PutBucketAcl', tagging: 'PutBucketTagging', lifecycle: 'PutLifecycleConfiguration', website: 'PutBucketWebsite', notification: 'PutBucketNotification' };
      return [access(sub && write[sub] ? write[sub] : 'CreateBucket', bucketArn)];
    }
    if (method === 'DELETE') {
      const remove: Record<string, string> = { policy: 'DeleteBucketPolicy', cors: 'PutBucketCORS', tagging: 'PutBucketTagging', website: 'DeleteBucketWebsite', lifecycle: 'PutLifecycleConfiguration' };
      return [access(sub && remove[sub] ? remove[sub] : 'DeleteBucket', bucketArn)];
    }
    return [access('ListBucket', bucketArn)];
  }
  const objectArn = `${bucketArn}/${key}`;
  if (method === 'GET' || method === 'HEAD') {
    if (has('uploadId')) return [access('ListMultipartUploadParts', objectArn)];
    if (has('tagging')) return [access('GetObjectTagging', objectArn)];
    if (has('acl')) return [access('GetObjectAcl', objectArn)];
    return [access(has('versionId') ? 'GetObjectVersion' : 'GetObject', objectArn)];
  }
  if (method === 'PUT') {
    if (has('tagging')) return [access('PutObjectTagging', objectArn)];
    if (has('acl')) return [access('PutObjectAcl', objectArn)];
    const source = header(request.headers, 'x-amz-copy-source');
    const put = access('PutObject', objectArn);
    if (!source) return [put];
    const from = decodeURIComponent(source.replace(/^\//, '').split('?')[0]);
    return [put, access('GetObject', `arn:aws:s3:::${from}`)];
  }
  if (method === 'DELETE') {
    if (has('uploadId')) return [access('AbortMultipartUpload', objectArn)];
    if (has('tagging')) return [access('DeleteObjectTagging', objectArn)];
    return [access(has('versionId') ? 'DeleteObjectVersion' : 'DeleteObject', objectArn)];
  }
  // POST ?uploads (CreateMultipartUpload), POST ?uploadId (CompleteMultipartUpload), POST form uploads.
  return [access('PutObject', objectArn)];
}

function statesAccess(request: ServiceRequest, ctx: RequestContext): RequiredAccess[] {
  const op = operationOf(request);
  const body = jsonBody(request);
  const action = `states:${op}`;
  if (op.startsWith('SendTask')) {
    // SendTask* authorize on the state machine of the token's execution.
    const machine = typeof body.taskToken === 'string' ? ctx.taskTokenStateMachine?.(body.taskToken) : undefined;
    return [machine ? { action, resource: machine } : { action, resource: '*', anyResource: true }];
  }
  const resource = [body.executionArn, body.stateMachineArn, body.mapRunArn, body.activityArn].find((v) => typeof v === 'string');
  return [{ action, resource: typeof resource === 'string' ? resource : '*' }];
}

function cognitoAccess(request: ServiceRequest, ctx: RequestContext): RequiredAccess[] {
  const op = operationOf(request);
  const body = jsonBody(request);
  const resource = typeof body.UserPoolId === 'string' ? `arn:aws:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${body.UserPoolId}` : '*';
  return [{ action: `cognito-idp:${op}`, resource }];
}

/** SES v2 SendEmail authorizes on the sender's identity: the address's own, as the studio verifies an address. */
function sesAccess(request: ServiceRequest, ctx: RequestContext): RequiredAccess[] {
  const path = new URL(request.url, 'http://local').pathname;
  if (request.method.toUpperCase() === 'POST' && path === '/v2/email/outbound-emails') {
    const from = jsonBody(request).FromEmailAddress;
    const address = typeof from === 'string' ? (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim() : '';
    return [{ action: 'ses:SendEmail', resource: address ? `arn:aws:ses:${ctx.region}:${ctx.accountId}:identity/${address}` : '*' }];
  }
  return [{ action: 'ses:Unknown', resource: '*' }];
}

/**
 * Secrets Manager authorizes on the secret's ARN, whichever ID names it (name, partial or full ARN);
 * a secret that does not exist is authorized on the ARN its name would have, so a caller without
 * the grant learns nothing about it.
 */
function secretsManagerAccess(request: ServiceRequest, ctx: RequestContext): RequiredAccess[] {
  const op = operationOf(request);
  const body = jsonBody(request);
  const id = [body.SecretId, body.Name].find((v): v is string => typeof v === 'string');
  if (!id) return [{ action: `secretsmanager:${op}`, resource: '*' }];
  const arn = ctx.secretArn?.(id) ?? (id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${id}`);
  return [{ action: `secretsmanager:${op}`, resource: arn }];
}

function header(headers: ServiceRequest['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
