import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { ResourceKind, ResourceRegistry } from '../catalogue';

/** The construct interface of each kind of resource. */
export interface ConstructOfKind {
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly stateMachine: sfn.IStateMachine;
  readonly queue: sqs.IQueue;
  readonly topic: sns.ITopic;
  readonly secret: secretsmanager.ISecret;
  readonly userPool: cognito.IUserPool;
  /** A service rather than a resource: which adapter the deployment uses. */
  readonly faceDetection: { readonly adapter: 'rekognition' };
  /** The sender address and the SES identity it is verified as. */
  readonly mail: { readonly sender: string; readonly identityArn: string };
  /** The web app's origin. */
  readonly site: { readonly url: string };
  /** The HTTP API's base URL. */
  readonly apiEndpoint: { readonly url: string };
  /** The issuer (`iss`) and audiences (`aud` / `client_id`) of the sign-in tokens the API accepts. */
  readonly tokenIssuer: { readonly issuer: string; readonly audience: readonly string[] };
  /**
   * Where delivered images are served (`https://<distribution>.cloudfront.net`,
   * signed URLs only) and the secret holding the CloudFront signing key
   * (JSON `{ "keyPairId", "privateKey" }`).
   */
  readonly mediaCdn: { readonly url: string; readonly secret: secretsmanager.ISecret };
}

/**
 * The deployed resources of the registry, by ID, filled in as the stacks that
 * own them are built (stateful, auth, then each domain in order). A domain can
 * bind only what is already there, which is the rule that keeps stack
 * references one-way: shared stacks → earlier domains → later domains.
 */
export class ResourceIndex {
  private readonly resources = new Map<string, ConstructOfKind[ResourceKind]>();

  constructor(readonly registry: ResourceRegistry) {}

  /** Records the construct of a registered resource; its kind must match the registry. */
  add<K extends ResourceKind>(id: string, kind: K, resource: ConstructOfKind[K]): void {
    const spec = this.registry[id];
    if (!spec) throw new Error(`Resource "${id}" is not in the resource registry.`);
    if (spec.kind !== kind) throw new Error(`Resource "${id}" is registered as a ${spec.kind}, not a ${kind}.`);
    if (this.resources.has(id)) throw new Error(`Resource "${id}" was created twice.`);
    this.resources.set(id, resource);
  }

  /** The construct of a resource, or undefined while its owner has not been built. */
  get<K extends ResourceKind>(id: string, kind: K): ConstructOfKind[K] | undefined {
    const spec = this.registry[id];
    if (!spec) throw new Error(`Resource "${id}" is not in the resource registry.`);
    if (spec.kind !== kind) throw new Error(`Resource "${id}" is registered as a ${spec.kind}, not a ${kind}.`);
    return this.resources.get(id) as ConstructOfKind[K] | undefined;
  }

  has(id: string): boolean {
    return this.resources.has(id);
  }
}
