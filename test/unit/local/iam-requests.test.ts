import { accessKeyOf, requiredAccess, type ServiceRequest, withAccessKey } from '../../../infra/local/iam/requests';

const CTX = { region: 'us-east-1', accountId: '000000000000' };
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/';
const SIGV4 = (key: string, service: string) =>
  `AWS4-HMAC-SHA256 Credential=${key}/20300101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;

const json = (target: string, body: unknown): ServiceRequest => ({ method: 'POST', url: '/', headers: { 'x-amz-target': target }, body: JSON.stringify(body) });
const s3 = (method: string, url: string, headers: Record<string, string> = {}, body = ''): ServiceRequest => ({ method, url, headers, body });

describe('access keys of signed requests', () => {
  it('reads SigV4 header, presigned query and SigV2 credentials, and nothing from an anonymous request', () => {
    expect(accessKeyOf({ url: '/', headers: { authorization: SIGV4('LOCALLISTORDERS', 'dynamodb') } })).toBe('LOCALLISTORDERS');
    expect(accessKeyOf({ url: '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=LOCALX%2F20300101%2Fus-east-1%2Fs3%2Faws4_request', headers: {} })).toBe('LOCALX');
    expect(accessKeyOf({ url: '/', headers: { authorization: 'AWS S3RVER:sig' } })).toBe('S3RVER');
    expect(accessKeyOf({ url: '/', headers: {} })).toBeUndefined();
  });

  it('rewrites the key of a header or a presigned URL', () => {
    const header = withAccessKey({ url: '/b/k', headers: { authorization: SIGV4('LOCALX', 's3') } }, 'LOCALX', 'S3RVER');
    expect(header.headers.authorization).toContain('Credential=S3RVER/20300101/');
    const query = withAccessKey({ url: '/b/k?X-Amz-Credential=LOCALX%2F2030', headers: {} }, 'LOCALX', 'S3RVER');
    expect(query.url).toBe('/b/k?X-Amz-Credential=S3RVER%2F2030');
  });
});

describe('DynamoDB requests → IAM', () => {
  it('maps X-Amz-Target to the action and TableName / IndexName to the table or index ARN', () => {
    expect(requiredAccess('dynamodb', json('DynamoDB_20120810.GetItem', { TableName: 't' }), CTX)).toEqual([{ action: 'dynamodb:GetItem', resource: `${TABLE}t` }]);
    expect(requiredAccess('dynamodb', json('DynamoDB_20120810.Query', { TableName: 't', IndexName: 'byCustomer' }), CTX)).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}t/index/byCustomer` },
    ]);
    expect(requiredAccess('dynamodb', json('DynamoDB_20120810.PutItem', { TableName: `${TABLE}arn-named` }), CTX)).toEqual([{ action: 'dynamodb:PutItem', resource: `${TABLE}arn-named` }]);
    expect(requiredAccess('dynamodb', json('DynamoDB_20120810.ListTables', {}), CTX)).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });

  it('needs the batch action on every table of a batch', () => {
    const batch = json('DynamoDB_20120810.BatchWriteItem', { RequestItems: { a: [], b: [] } });
    expect(requiredAccess('dynamodb', batch, CTX)).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: `${TABLE}a` },
      { action: 'dynamodb:BatchWriteItem', resource: `${TABLE}b` },
    ]);
    expect(requiredAccess('dynamodb', json('DynamoDB_20120810.BatchGetItem', { RequestItems: { a: {} } }), CTX)).toEqual([{ action: 'dynamodb:BatchGetItem', resource: `${TABLE}a` }]);
  });

  it('needs the item action of each transaction item, on its table', () => {
    const transact = json('DynamoDB_20120810.TransactWriteItems', {
      TransactItems: [{ Put: { TableName: 'a' } }, { Update: { TableName: 'b' } }, { Delete: { TableName: 'a' } }, { ConditionCheck: { TableName: 'b' } }],
    });
    expect(requiredAccess('dynamodb', transact, CTX)).toEqual([
      { action: 'dynamodb:PutItem', resource: `${TABLE}a` },
      { action: 'dynamodb:UpdateItem', resource: `${TABLE}b` },
      { action: 'dynamodb:DeleteItem', resource: `${TABLE}a` },
      { action: 'dynamodb:ConditionCheckItem', resource: `${TABLE}b` },
    ]);
    expect(requiredAccess('dynamodb', json('DynamoDB_20120810.TransactGetItems', { TransactItems: [{ Get: { TableName: 'a' } }] }), CTX)).toEqual([
      { action: 'dynamodb:GetItem', resource: `${TABLE}a` },
    ]);
  });
});

describe('S3 requests → IAM (path style)', () => {
  const cases: [ServiceRequest, string, string][] = [
    [s3('GET', '/b/orders/o1/summary.json'), 's3:GetObject', 'arn:aws:s3:::b/orders/o1/summary.json'],
    [s3('HEAD', '/b/k'), 's3:GetObject', 'arn:aws:s3:::b/k'],
    [s3('PUT', '/b/a%20b.json?x-id=PutObject'), 's3:PutObject', 'arn:aws:s3:::b/a b.json'],
    [s3('DELETE', '/b/k?x-id=DeleteObject'), 's3:DeleteObject', 'arn:aws:s3:::b/k'],
    [s3('GET', '/b?list-type=2&prefix=orders%2F'), 's3:ListBucket', 'arn:aws:s3:::b'],
    [s3('GET', '/b/'), 's3:ListBucket', 'arn:aws:s3:::b'],
    [s3('HEAD', '/b'), 's3:ListBucket', 'arn:aws:s3:::b'],
    [s3('GET', '/b?uploads'), 's3:ListBucketMultipartUploads', 'arn:aws:s3:::b'],
    [s3('GET', '/b?location'), 's3:GetBucketLocation', 'arn:aws:s3:::b'],
    [s3('POST', '/b/k?uploads'), 's3:PutObject', 'arn:aws:s3:::b/k'],
    [s3('PUT', '/b/k?partNumber=1&uploadId=u'), 's3:PutObject', 'arn:aws:s3:::b/k'],
    [s3('DELETE', '/b/k?uploadId=u'), 's3:AbortMultipartUpload', 'arn:aws:s3:::b/k'],
    [s3('GET', '/b/k?uploadId=u'), 's3:ListMultipartUploadParts', 'arn:aws:s3:::b/k'],
    [s3('GET', '/b/k?tagging'), 's3:GetObjectTagging', 'arn:aws:s3:::b/k'],
    [s3('PUT', '/b'), 's3:CreateBucket', 'arn:aws:s3:::b'],
    [s3('DELETE', '/b'), 's3:DeleteBucket', 'arn:aws:s3:::b'],
    [s3('GET', '/'), 's3:ListAllMyBuckets', '*'],
  ];
  it.each(cases)('%j → %s on %s', (request, action, resource) => {
    expect(requiredAccess('s3', request, CTX)).toEqual([{ action, resource }]);
  });

  it('needs GetObject on the source of a copy, and DeleteObject on every key of a multi-object delete', () => {
    expect(requiredAccess('s3', s3('PUT', '/b/to', { 'x-amz-copy-source': '/src/from%20here' }), CTX)).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/to' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::src/from here' },
    ]);
    const body = '<Delete><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key></Object></Delete>';
    expect(requiredAccess('s3', s3('POST', '/b?delete', {}, body), CTX)).toEqual([
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/a' },
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/b&c' },
    ]);
  });
});

describe('Step Functions requests → IAM', () => {
  const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:OrderPipeline';
  const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:OrderPipeline:o1';
  it('authorizes StartExecution on the state machine and DescribeExecution / StopExecution on the execution', () => {
    expect(requiredAccess('states', json('AWSStepFunctions.StartExecution', { stateMachineArn: MACHINE }), CTX)).toEqual([{ action: 'states:StartExecution', resource: MACHINE }]);
    expect(requiredAccess('states', json('AWSStepFunctions.DescribeExecution', { executionArn: EXECUTION }), CTX)).toEqual([
      { action: 'states:DescribeExecution', resource: EXECUTION },
    ]);
    expect(requiredAccess('states', json('AWSStepFunctions.StopExecution', { executionArn: EXECUTION }), CTX)).toEqual([{ action: 'states:StopExecution', resource: EXECUTION }]);
    expect(requiredAccess('states', json('AWSStepFunctions.ListStateMachines', {}), CTX)).toEqual([{ action: 'states:ListStateMachines', resource: '*' }]);
  });

  it("authorizes SendTask* on the state machine of the token's execution, when the runtime knows the token", () => {
    const ctx = { ...CTX, taskTokenStateMachine: (token: string) => (token === 'known' ? MACHINE : undefined) };
    expect(requiredAccess('states', json('AWSStepFunctions.SendTaskSuccess', { taskToken: 'known', output: '{}' }), ctx)).toEqual([
      { action: 'states:SendTaskSuccess', resource: MACHINE },
    ]);
    expect(requiredAccess('states', json('AWSStepFunctions.SendTaskFailure', { taskToken: 'unknown' }), ctx)).toEqual([
      { action: 'states:SendTaskFailure', resource: '*', anyResource: true },
    ]);
  });
});

describe('Cognito requests → IAM', () => {
  it('authorizes on the user pool ARN', () => {
    expect(requiredAccess('cognito-idp', json('AWSCognitoIdentityProviderService.AdminGetUser', { UserPoolId: 'us-east-1_p', Username: 'u' }), CTX)).toEqual([
      { action: 'cognito-idp:AdminGetUser', resource: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_p' },
    ]);
    expect(requiredAccess('cognito-idp', json('AWSCognitoIdentityProviderService.ListUserPools', { MaxResults: 1 }), CTX)).toEqual([
      { action: 'cognito-idp:ListUserPools', resource: '*' },
    ]);
  });
});
