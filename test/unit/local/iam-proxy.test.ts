import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type AuthorizingProxy, type Principal, startAuthorizingProxy } from '../../../infra/local/iam/proxy';
import type { IamService } from '../../../infra/local/iam/policy';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/t`;
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:OrderPipeline`;
const POOL = `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/us-east-1_p`;

const PRINCIPALS: Record<string, Principal> = {
  LOCALREADER: { functionId: 'Reader', statements: [{ actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [TABLE, `${TABLE}/index/*`] }] },
  LOCALWRITER: {
    functionId: 'Writer',
    statements: [
      { actions: ['s3:PutObject'], resources: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] },
      { actions: ['states:StartExecution'], resources: [MACHINE] },
      { actions: ['cognito-idp:AdminGetUser'], resources: [POOL] },
    ],
  },
};

/** Stands in for a local service: records what reaches it and answers 200. */
function upstream(): Promise<{ server: Server; url: string; seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] }> {
  const seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const s3 = !req.headers['x-amz-target'];
      res.writeHead(200, { 'content-type': s3 ? 'application/xml' : 'application/x-amz-json-1.0' });
      res.end(s3 ? '' : req.headers['x-amz-target']?.includes('StartExecution') ? JSON.stringify({ executionArn: 'arn:e', startDate: 1 }) : '{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

describe('authorizing proxy in front of a local service', () => {
  let service: Awaited<ReturnType<typeof upstream>>;
  const proxies: AuthorizingProxy[] = [];
  const denied: string[] = [];
  const proxy = async (iam: IamService, forwardAs?: string) => {
    const started = await startAuthorizingProxy({
      service: iam,
      target: service.url,
      region: REGION,
      accountId: ACCOUNT,
      principal: (key) => PRINCIPALS[key],
      trustedKeys: ['S3RVER'],
      forwardAs,
      onDenied: (id, access) => denied.push(`${id} ${access.action}`),
    });
    proxies.push(started);
    return started.url;
  };
  const credentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'anything' });

  beforeAll(async () => {
    service = await upstream();
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    service.server.close();
  });

  it('forwards an allowed DynamoDB call unchanged, and refuses one beyond the grants with AccessDenied', async () => {
    const endpoint = await proxy('dynamodb');
    const reader = new DynamoDBClient({ region: REGION, endpoint, credentials: credentials('LOCALREADER'), maxAttempts: 1 });
    await reader.send(new QueryCommand({ TableName: 't', IndexName: 'byCustomer', KeyConditionExpression: 'a = :a', ExpressionAttributeValues: { ':a': { S: 'x' } } }));
    const forwarded = service.seen.at(-1)!;
    expect(forwarded.headers['x-amz-target']).toBe('DynamoDB_20120810.Query');
    expect(forwarded.headers.authorization).toContain('Credential=LOCALREADER/');
    expect(JSON.parse(forwarded.body).IndexName).toBe('byCustomer');

    const count = service.seen.length;
    const writer = new DynamoDBClient({ region: REGION, endpoint, credentials: credentials('LOCALWRITER'), maxAttempts: 1 });
    const error = await writer.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } })).catch((e: Error & { $metadata?: { httpStatusCode?: number } }) => e);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/WriterRole/Writer is not authorized to perform: dynamodb:GetItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:GetItem action`,
    });
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    expect(service.seen.length).toBe(count);
    expect(denied).toContain('Writer dynamodb:GetItem');
  });

  it("passes the cloud's own key through, refuses an unknown key, and forwards anonymous calls", async () => {
    const endpoint = await proxy('dynamodb');
    const cloud = new DynamoDBClient({ region: REGION, endpoint, credentials: credentials('S3RVER'), maxAttempts: 1 });
    await cloud.send(new GetItemCommand({ TableName: 'anything', Key: { pk: { S: 'x' } } }));
    const stranger = new DynamoDBClient({ region: REGION, endpoint, credentials: credentials('AKIASTRANGER'), maxAttempts: 1 });
    await expect(stranger.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const anonymous = await fetch(endpoint, { method: 'OPTIONS' });
    expect(anonymous.status).toBe(200);
  });

  it('signs forwarded S3 calls with the key s3rver knows, and answers 403 AccessDenied XML beyond the grants', async () => {
    const endpoint = await proxy('s3', 'S3RVER');
    const writer = new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: credentials('LOCALWRITER'), maxAttempts: 1 });
    await writer.send(new PutObjectCommand({ Bucket: 'b', Key: 'orders/o1.json', Body: '{}' }));
    const forwarded = service.seen.at(-1)!;
    expect(forwarded.method).toBe('PUT');
    expect(forwarded.url).toMatch(/^\/b\/orders\/o1\.json/);
    expect(forwarded.headers.authorization).toContain('Credential=S3RVER/');
    const error = await writer.send(new GetObjectCommand({ Bucket: 'b', Key: 'orders/o1.json' })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AccessDenied', message: 'Access Denied' });
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
  });

  it('authorizes Step Functions and Cognito calls on their state machine and user pool', async () => {
    const sfn = new SFNClient({ region: REGION, endpoint: await proxy('states'), credentials: credentials('LOCALWRITER'), maxAttempts: 1 });
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: '{}' }))).resolves.toMatchObject({ executionArn: 'arn:e' });
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: `${MACHINE}Other`, input: '{}' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`states:StartExecution on resource: ${MACHINE}Other`),
    });
    const cognito = new CognitoIdentityProviderClient({ region: REGION, endpoint: await proxy('cognito-idp'), credentials: credentials('LOCALREADER'), maxAttempts: 1 });
    await expect(cognito.send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_p', Username: 'u' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`cognito-idp:AdminGetUser on resource: ${POOL}`),
    });
  });
});
