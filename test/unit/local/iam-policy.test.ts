import { bindLocally } from '../../../infra/local/binders';
import { accessDeniedAnswer, assumedRoleArn, firstDenied, statementAllows, unrecognizedKeyAnswer, wildcardMatch } from '../../../infra/local/iam/policy';
import { FUNCTIONS, RESOURCES } from '../../../infra/catalogue';

const CTX = { region: 'us-east-1', accountId: '000000000000', prefix: 'headshot-studio', userPoolId: 'us-east-1_pool' };
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/headshot-studio';

describe('IAM policy evaluation', () => {
  it('matches actions case-insensitively and resources case-sensitively, with * and ? wildcards', () => {
    expect(wildcardMatch('dynamodb:Get*', 'dynamodb:getitem', true)).toBe(true);
    expect(wildcardMatch('dynamodb:*', 's3:GetObject', true)).toBe(false);
    expect(wildcardMatch(`${TABLE}/index/*`, `${TABLE}/index/byCustomer`)).toBe(true);
    expect(wildcardMatch(`${TABLE}/index/*`, TABLE)).toBe(false);
    expect(wildcardMatch('arn:aws:s3:::bucket-?', 'arn:aws:s3:::bucket-a')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::bucket-?', 'arn:aws:s3:::bucket-ab')).toBe(false);
    expect(wildcardMatch('arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket')).toBe(false);
    // Regular-expression characters in ARNs are literal.
    expect(wildcardMatch('arn:aws:s3:::a.b', 'arn:aws:s3:::aXb')).toBe(false);
    expect(wildcardMatch('*', 'anything:at/all')).toBe(true);
  });

  it('allows only what a statement names: action and resource both', () => {
    const statement = { actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [TABLE, `${TABLE}/index/*`] };
    expect(statementAllows(statement, { action: 'dynamodb:Query', resource: `${TABLE}/index/byStatus` })).toBe(true);
    expect(statementAllows(statement, { action: 'dynamodb:PutItem', resource: TABLE })).toBe(false);
    expect(statementAllows(statement, { action: 'dynamodb:GetItem', resource: `${TABLE}-other` })).toBe(false);
    // Resource * in the request (account-level actions) needs a statement on *.
    expect(statementAllows(statement, { action: 'dynamodb:GetItem', resource: '*' })).toBe(false);
    expect(statementAllows({ actions: ['dynamodb:ListTables'], resources: ['*'] }, { action: 'dynamodb:ListTables', resource: '*' })).toBe(true);
  });

  it('denies by default, and names the first access no statement allows', () => {
    expect(firstDenied([], [{ action: 'dynamodb:GetItem', resource: TABLE }])).toEqual({ action: 'dynamodb:GetItem', resource: TABLE });
    const statements = [{ actions: ['dynamodb:BatchGetItem'], resources: [TABLE] }];
    expect(firstDenied(statements, [{ action: 'dynamodb:BatchGetItem', resource: TABLE }])).toBeUndefined();
    expect(
      firstDenied(statements, [
        { action: 'dynamodb:BatchGetItem', resource: TABLE },
        { action: 'dynamodb:BatchGetItem', resource: `${TABLE}-other` },
      ]),
    ).toEqual({ action: 'dynamodb:BatchGetItem', resource: `${TABLE}-other` });
  });

  it('allows an unnameable resource (an unknown task token) only when the action is granted at all', () => {
    const statements = [{ actions: ['states:SendTaskSuccess'], resources: ['arn:aws:states:us-east-1:000000000000:stateMachine:OrderPipeline'] }];
    expect(firstDenied(statements, [{ action: 'states:SendTaskSuccess', resource: '*', anyResource: true }])).toBeUndefined();
    expect(firstDenied(statements, [{ action: 'states:SendTaskFailure', resource: '*', anyResource: true }])).toBeDefined();
  });

  it("evaluates the catalogue's own statements: ListOrders reads the table and its indexes, writes nothing", () => {
    const { statements } = bindLocally(FUNCTIONS.find((f) => f.id === 'ListOrders')!, RESOURCES, CTX);
    expect(firstDenied(statements, [{ action: 'dynamodb:Query', resource: `${TABLE}/index/anything` }])).toBeUndefined();
    expect(firstDenied(statements, [{ action: 'dynamodb:PutItem', resource: TABLE }])).toBeDefined();
    expect(firstDenied(statements, [{ action: 's3:GetObject', resource: 'arn:aws:s3:::headshot-studio-outputs/x' }])).toBeDefined();
  });

  it("answers as each service answers an implicit deny", () => {
    const who = assumedRoleArn('000000000000', 'ListOrders');
    expect(who).toBe('arn:aws:sts::000000000000:assumed-role/ListOrdersRole/ListOrders');
    const message = `User: ${who} is not authorized to perform: dynamodb:Query on resource: ${TABLE} because no identity-based policy allows the dynamodb:Query action`;
    const dynamo = accessDeniedAnswer('dynamodb', who, { action: 'dynamodb:Query', resource: TABLE }, 'r1');
    expect(dynamo.status).toBe(400);
    expect(JSON.parse(dynamo.body)).toEqual({ __type: 'com.amazon.coral.service#AccessDeniedException', Message: message });
    const states = accessDeniedAnswer('states', who, { action: 'states:StartExecution', resource: 'arn:m' }, 'r1');
    expect(states.status).toBe(400);
    expect(JSON.parse(states.body)).toEqual({ __type: 'AccessDeniedException', message: expect.stringContaining('states:StartExecution on resource: arn:m') });
    const cognito = accessDeniedAnswer('cognito-idp', who, { action: 'cognito-idp:AdminGetUser', resource: 'arn:p' }, 'r1');
    expect(cognito.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(cognito.body).__type).toBe('AccessDeniedException');
    const s3 = accessDeniedAnswer('s3', who, { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' }, 'r1');
    expect(s3.status).toBe(403);
    expect(s3.body).toContain('<Error><Code>AccessDenied</Code><Message>Access Denied</Message>');
    expect(unrecognizedKeyAnswer('s3', 'NOPE', 'r1').body).toContain('<Code>InvalidAccessKeyId</Code>');
    expect(JSON.parse(unrecognizedKeyAnswer('dynamodb', 'NOPE', 'r1').body).__type).toBe('UnrecognizedClientException');
  });
});
