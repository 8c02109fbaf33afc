import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { removalPolicyOf, type StageConfig } from '../config';
import { MediaBuckets } from '../constructs/media-buckets';
import { MediaCdn } from '../constructs/media-cdn';
import { ownedBy, RegistryResources } from '../constructs/registry-resources';
import { StudioTable } from '../constructs/studio-table';
import type { ResourceIndex } from '../resource-index';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
  /** The registry's resources owned by `stateful` are created here and recorded in it. */
  readonly index: ResourceIndex;
}

/** Registry IDs of the resources this stack builds with their own constructs. */
export const STATEFUL_IDS = {
  table: 'Table',
  uploads: 'UploadsBucket',
  outputs: 'OutputsBucket',
  studioMedia: 'StudioMediaBucket',
  faceDetection: 'FaceDetection',
  mail: 'Mail',
  mediaCdn: 'MediaCdn',
} as const;

/** Kinds {@link RegistryResources} creates from their registry entry alone; every other kind needs its own construct here. */
const GENERIC_KINDS: readonly string[] = ['queue', 'topic', 'secret'];

/**
 * What must outlive every deployment: the single table, the photo buckets
 * (with the CloudFront distribution that serves delivered images) and the
 * registry's queues, topics and secrets. Kept apart from the stateless
 * stacks so those can be replaced freely; the resources are handed on through
 * the resource index as `ITable` / `IBucket` / ….
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.ITable;
  readonly uploadsBucket: s3.IBucket;
  readonly outputsBucket: s3.IBucket;
  readonly studioMediaBucket: s3.IBucket;
  /** Serves delivered images from the outputs bucket to signed URLs. */
  readonly mediaCdn: MediaCdn;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { index } = props;
    const removalPolicy = removalPolicyOf(props.config);
    const owned = ownedBy(index.registry, 'stateful');

    const known: string[] = Object.values(STATEFUL_IDS);
    const unknown = Object.entries(owned)
      .filter(([kind]) => !GENERIC_KINDS.includes(kind))
      .flatMap(([, ids]) => ids)
      .filter((resourceId) => !known.includes(resourceId));
    if (unknown.length) throw new Error(`The stateful stack has no construct for ${unknown.join(', ')}; add one to StatefulStack.`);
    const signingPublicKey = props.config.mediaSigningPublicKey;
    if (!signingPublicKey) {
      throw new Error('The stage config has no mediaSigningPublicKey: set the context key mediaSigningPublicKey (cdk.json or -c) to the PEM public key that signs links to delivered images.');
    }

    this.table = new StudioTable(this, 'Table', { removalPolicy }).table;
    const buckets = new MediaBuckets(this, 'Media', { removalPolicy, uploadCorsOrigins: props.config.uploadCorsOrigins });
    this.uploadsBucket = buckets.uploads;
    this.outputsBucket = buckets.outputs;
    this.studioMediaBucket = buckets.studioMedia;
    index.add(STATEFUL_IDS.table, 'table', this.table);
    index.add(STATEFUL_IDS.uploads, 'bucket', this.uploadsBucket);
    index.add(STATEFUL_IDS.outputs, 'bucket', this.outputsBucket);
    index.add(STATEFUL_IDS.studioMedia, 'bucket', this.studioMediaBucket);
    index.add(STATEFUL_IDS.faceDetection, 'faceDetection', { adapter: 'rekognition' });
    // The sender's SES identity: SES e-mails the address a verification link when it is created.
    const mailIdentity = new ses.EmailIdentity(this, 'MailIdentity', { identity: ses.Identity.email(props.config.mailFrom) });
    index.add(STATEFUL_IDS.mail, 'mail', {
      sender: props.config.mailFrom,
      identityArn: this.formatArn({ service: 'ses', resource: 'identity', resourceName: mailIdentity.emailIdentityName }),
    });

    // The distribution lives here, beside the outputs bucket: origin access control writes the
    // distribution's ARN into the bucket's policy, so a distribution in a later stack would make
    // this stack import from a stack that already imports the bucket (a cycle).
    this.mediaCdn = new MediaCdn(this, 'MediaCdn', {
      bucket: this.outputsBucket,
      signingPublicKey,
      removalPolicy,
      webAclArn: props.config.webAclArn,
    });
    index.add(STATEFUL_IDS.mediaCdn, 'mediaCdn', { url: this.mediaCdn.url, secret: this.mediaCdn.secret });
    new CfnOutput(this, 'MediaUrl', { value: this.mediaCdn.url, description: 'Delivered images (CloudFront, signed URLs only)' });
    new CfnOutput(this, 'MediaSigningKeyPairId', {
      value: this.mediaCdn.publicKey.publicKeyId,
      description: 'keyPairId of the media signing key: store { keyPairId, privateKey } in the MediaSigningKeySecretArn secret',
    });
    new CfnOutput(this, 'MediaSigningKeySecretArn', { value: this.mediaCdn.secret.secretArn, description: 'Secret holding { keyPairId, privateKey } that signs media links' });

    const generic = GENERIC_KINDS.flatMap((kind) => owned[kind] ?? []);
    if (generic.length) new RegistryResources(this, 'Registry', { index, ids: generic, removalPolicy });
  }
}
