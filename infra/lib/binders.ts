import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { type AccessByKind, actionsFor, type ResourceKind, TABLE } from '../catalogue';
import { acknowledgeWildcardResource } from './constructs/nag';
import type { ConstructOfKind } from './resource-index';

/** What a binder works on: the function's role, and its ID for acknowledgement reasons. */
export interface BindTarget {
  readonly id: string;
  readonly role: iam.IRole & IConstruct;
}

/**
 * One binder per kind of resource: it writes the grant into the function's
 * role (explicit statements, no `grant*` helper wildcards such as
 * `s3:GetObject*` or `index/*`) and returns the value of the resource's
 * environment variable. The actions come from `infra/catalogue/permissions.ts`,
 * which the local cloud enforces too.
 */
export type Binder<K extends ResourceKind> = (target: BindTarget, resource: ConstructOfKind[K], access: AccessByKind[K], resourceId: string) => string;

const allow = (target: BindTarget, actions: readonly string[], resources: string[]) =>
  target.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));

export const BINDERS: { readonly [K in ResourceKind]: Binder<K> } = {
  table: (target, table, access) => {
    // The table and each named GSI, no `index/*` wildcard.
    allow(target, actionsFor('table', access), [table.tableArn, ...TABLE.indexes.map((index) => `${table.tableArn}/index/${index.name}`)]);
    return table.tableName;
  },

  bucket: (target, bucket, access, resourceId) => {
    allow(target, actionsFor('bucket', access), [bucket.arnForObjects('*')]);
    // ListBucket lets a missing object answer 404 instead of 403.
    allow(target, ['s3:ListBucket'], [bucket.bucketArn]);
    acknowledgeWildcardResource(
      target.role,
      bucket,
      bucket.bucketArn,
      '/*',
      `${target.id} ${access === 'read' ? 'reads' : 'reads and writes'} objects of the ${resourceId} only; object keys carry per-order IDs, so the grant is "${resourceId} ARN/*".`,
    );
    return bucket.bucketName;
  },

  stateMachine: (target, stateMachine, actions, resourceId) => {
    for (const action of actions) {
      if (action === 'describe') {
        // Executions are named per order, so the grant covers this machine's executions.
        const executionArn = Stack.of(stateMachine).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        allow(target, actionsFor('stateMachine', [action]), [`${executionArn}:*`]);
        acknowledgeWildcardResource(
          target.role,
          stateMachine,
          executionArn,
          ':*',
          `${target.id} describes executions of ${resourceId}; execution names are order IDs only known at run time, so the ARN ends in ":*" within this one state machine.`,
        );
      } else {
        allow(target, actionsFor('stateMachine', [action]), [stateMachine.stateMachineArn]);
      }
    }
    return stateMachine.stateMachineArn;
  },

  queue: (target, queue, access) => {
    allow(target, actionsFor('queue', access), [queue.queueArn]);
    if (queue.encryptionMasterKey) {
      allow(target, access === 'send' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'], [queue.encryptionMasterKey.keyArn]);
    }
    return queue.queueUrl;
  },

  topic: (target, topic, access) => {
    allow(target, actionsFor('topic', access), [topic.topicArn]);
    if (topic.masterKey) allow(target, ['kms:GenerateDataKey', 'kms:Decrypt'], [topic.masterKey.keyArn]);
    return topic.topicArn;
  },

  secret: (target, secret, access) => {
    allow(target, actionsFor('secret', access), [secret.secretArn]);
    if (secret.encryptionKey) allow(target, ['kms:Decrypt'], [secret.encryptionKey.keyArn]);
    return secret.secretArn;
  },

  userPool: (target, userPool, access) => {
    allow(target, actionsFor('userPool', access), [userPool.userPoolArn]);
    return userPool.userPoolId;
  },

  faceDetection: (target, service, access) => {
    allow(target, actionsFor('faceDetection', access), ['*']);
    Validations.of(target.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${target.id} calls rekognition:${access === 'detect' ? 'DetectFaces' : 'CompareFaces'}, which has no resource-level permissions (it analyses the bytes sent with the call); it is the only action of this statement.`,
    });
    return service.adapter;
  },

  mail: (target, mail, access) => {
    allow(target, actionsFor('mail', access), [mail.identityArn]);
    return mail.sender;
  },

  // The function signs CloudFront URLs itself with the private key from the secret: reading the secret is the whole grant.
  mediaCdn: (target, cdn, access) => {
    allow(target, actionsFor('mediaCdn', access), [cdn.secret.secretArn]);
    if (cdn.secret.encryptionKey) allow(target, ['kms:Decrypt'], [cdn.secret.encryptionKey.keyArn]);
    // Tokens inside the JSON resolve at deploy time.
    return JSON.stringify({ url: cdn.url, secretArn: cdn.secret.secretArn });
  },

  // A link, not a permission: nothing to allow.
  site: (_target, site) => site.url,
  apiEndpoint: (_target, api) => api.url,

  // The signing keys are public (the issuer's JWKS): nothing to allow. Tokens inside the JSON resolve at deploy time.
  tokenIssuer: (_target, issuer) => JSON.stringify({ issuer: issuer.issuer, audience: issuer.audience }),
};
