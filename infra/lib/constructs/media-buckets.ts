import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STATE_MACHINES } from '../../catalogue';
import { ABORT_INCOMPLETE_UPLOADS, privateBucket } from './private-bucket';

export interface MediaBucketsProps {
  /**
   * What happens to the buckets when their stack is deleted; `DESTROY` empties them first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Origins allowed to POST straight to the uploads bucket (presigned POST from the browser).
   * @default - no CORS rule here; {@link UploadsCors} sets the web site's origin once the site exists
   */
  readonly uploadCorsOrigins?: readonly string[];
  /**
   * Days a customer's selfies (everything in the uploads bucket) are kept at
   * most. This is the backstop behind the workflow's own deletion after
   * delivery, so it must outlive the longest an order can run.
   * @default {@link backstopDays} of the longest workflow
   */
  readonly uploadRetentionDays?: number;
  /**
   * Days generated images (everything in the outputs bucket) are kept.
   * @default 30
   */
  readonly outputRetentionDays?: number;
  /**
   * Days server access logs are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
}

/** The one CORS rule of the uploads bucket: browsers of `origins` may POST (presigned POST) and read the ETag. */
export function uploadCorsRule(origins: readonly string[]): s3.CorsRule {
  return { allowedMethods: [s3.HttpMethods.POST], allowedOrigins: [...origins], allowedHeaders: ['*'], exposedHeaders: ['ETag'], maxAge: 3000 };
}

/**
 * Days after which lifecycle expiry may delete an order's photos: the longest
 * execution timeout of the catalogue's workflows, rounded up to days, plus a
 * week for redrives and S3's expiry lag. A live order's selfies are never
 * expired under it; the workflow deletes them itself once delivered.
 */
export function backstopDays(): number {
  const longest = Math.max(...STATE_MACHINES.map((machine) => machine.timeoutSeconds));
  return Math.ceil(longest / 86_400) + 7;
}

/**
 * The buckets holding customers' photos: `Uploads` (selfies and order
 * manifests, straight from the browser) and `Outputs` (generated images),
 * both logging to `AccessLogs`.
 *
 * Lifecycle expiry is the privacy backstop, not the mechanism: the workflow
 * deletes photos explicitly, and S3 expiry lags by up to a day or two.
 */
export class MediaBuckets extends Construct {
  readonly uploads: s3.Bucket;
  readonly outputs: s3.Bucket;
  /** Studios' sample and reference images: kept while the studio is, browsers of the site upload to it. */
  readonly studioMedia: s3.Bucket;
  /** Destination of the two buckets' server access logs. */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketsProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.accessLogs = privateBucket(this, 'AccessLogs', {
      removalPolicy,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'AccessLogs is the server-access-log destination of Uploads and Outputs; logging it into itself would log every log delivery.',
    });

    this.uploads = privateBucket(this, 'Uploads', {
      removalPolicy,
      // No versioning: a deleted selfie must not survive as a noncurrent version.
      versioned: false,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      // Object Created events go to EventBridge, where the photos domain's rule picks up new uploads.
      eventBridgeEnabled: true,
      lifecycleRules: [
        { id: 'expire-selfies', expiration: Duration.days(props.uploadRetentionDays ?? backstopDays()) },
        ABORT_INCOMPLETE_UPLOADS,
      ],
      cors: props.uploadCorsOrigins ? [uploadCorsRule(props.uploadCorsOrigins)] : undefined,
    });

    this.outputs = privateBucket(this, 'Outputs', {
      removalPolicy,
      // Versioned so a delivery overwrite can be undone; old versions go after a day.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'outputs/',
      lifecycleRules: [
        {
          id: 'expire-generated-images',
          expiration: Duration.days(props.outputRetentionDays ?? 30),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        ABORT_INCOMPLETE_UPLOADS,
      ],
    });

    // eventBridgeEnabled is written by aws-cdk-lib's BucketNotifications handler, a singleton per stack.
    const notifications = Stack.of(this).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notifications) {
      Validations.of(notifications).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "aws-cdk-lib's BucketNotifications handler runs with AWSLambdaBasicExecutionRole for its own logs; it only turns on EventBridge delivery of the uploads bucket.",
      });
    }

    this.studioMedia = privateBucket(this, 'StudioMedia', {
      removalPolicy,
      // Versioned so a deleted or replaced studio image can be restored for a week.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'studio-media/',
      lifecycleRules: [
        { id: 'expire-replaced-images', noncurrentVersionExpiration: Duration.days(7) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        ABORT_INCOMPLETE_UPLOADS,
      ],
      cors: props.uploadCorsOrigins ? [uploadCorsRule(props.uploadCorsOrigins)] : undefined,
    });
  }
}
