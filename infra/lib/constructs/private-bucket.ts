import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** Options for {@link privateBucket}; everything else of `BucketProps` may be passed through. */
export interface PrivateBucketProps extends Omit<s3.BucketProps, 'publicReadAccess' | 'websiteIndexDocument' | 'websiteErrorDocument'> {
  /** What happens to the bucket when its stack is deleted; `DESTROY` also empties it first. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A bucket with the defaults every bucket of the studio shares: all public
 * access blocked, TLS 1.2+ only (a bucket policy denying `aws:SecureTransport`
 * false), S3-managed encryption, bucket-owner-enforced object ownership.
 * A `DESTROY` removal policy empties the bucket before deleting it, so a dev
 * stage can be torn down with `cdk destroy`.
 */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): s3.Bucket {
  const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    autoDeleteObjects: destroy,
    ...props,
  });
}

/** Aborts multipart uploads a client never finished; their parts are billed until then. */
export const ABORT_INCOMPLETE_UPLOADS: s3.LifecycleRule = {
  id: 'abort-incomplete-multipart-uploads',
  abortIncompleteMultipartUploadAfter: Duration.days(1),
};
