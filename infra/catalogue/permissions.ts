import type { AccessByKind, ResourceKind } from './resources';

/**
 * IAM actions per resource kind and access, shared by the CDK binders (which
 * write them into each function's role) and the local cloud (which checks
 * calls against them), so both sides grant exactly the same things.
 */
const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];

export const ACTIONS: { readonly [K in ResourceKind]: (access: AccessByKind[K]) => readonly string[] } = {
  table: (access) =>
    access === 'count'
      ? // A counter is only ever incremented (a conditional UpdateItem): no reads, no puts, no deletes.
        ['dynamodb:UpdateItem']
      : access === 'read'
        ? TABLE_READ
        : [...TABLE_READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  // Object actions; s3:ListBucket on the bucket itself comes with either (a missing object then answers 404, not 403).
  bucket: (access) => (access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']),
  stateMachine: (actions) =>
    actions.flatMap((action) =>
      action === 'start'
        ? ['states:StartExecution']
        : action === 'describe'
          ? ['states:DescribeExecution']
          : // A missing SendTaskFailure would leave rejected orders waiting until their timeout.
            ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
    ),
  queue: (access) =>
    access === 'send' ? ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] : ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  topic: () => ['sns:Publish'],
  secret: () => ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
  // Signing happens in the function with the key from the secret: reading the secret is the whole grant.
  mediaCdn: () => ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
  userPool: (access) =>
    access === 'readUsers' ? ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'] : ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminDeleteUser'],
  // DetectFaces and CompareFaces read image bytes sent with the call: they have no resource to scope to.
  faceDetection: (access) => (access === 'detect' ? ['rekognition:DetectFaces'] : ['rekognition:CompareFaces']),
  // SES v2 SendEmail authorizes on the sender's identity.
  mail: () => ['ses:SendEmail'],
  site: () => [],
  apiEndpoint: () => [],
  // The issuer's signing keys (JWKS) are public: verifying a token needs no permission.
  tokenIssuer: () => [],
};

/** The actions of one grant. */
export function actionsFor<K extends ResourceKind>(kind: K, access: AccessByKind[K]): readonly string[] {
  return ACTIONS[kind](access);
}
