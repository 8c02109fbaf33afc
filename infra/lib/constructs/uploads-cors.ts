import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { uploadCorsRule } from './media-buckets';

export interface UploadsCorsProps {
  /** The uploads bucket (in the stateful stack, which cannot know the site's origin). */
  readonly bucket: s3.IBucket;
  /** Origins allowed to POST uploads: the web site's, e.g. `https://d111.cloudfront.net`. */
  readonly origins: readonly string[];
}

/**
 * Limits the uploads bucket's CORS to the web site's origin. The bucket lives
 * in the stateful stack, deployed before the CloudFront distribution exists,
 * so the rule is written here, after the site, with S3 PutBucketCors; deleting
 * this construct removes the rule (browsers can then upload from nowhere).
 */
export class UploadsCors extends Construct {
  constructor(scope: Construct, id: string, props: UploadsCorsProps) {
    super(scope, id);
    const rule = uploadCorsRule(props.origins);
    const corsConfiguration = {
      CORSRules: [
        {
          AllowedMethods: rule.allowedMethods,
          AllowedOrigins: rule.allowedOrigins,
          AllowedHeaders: rule.allowedHeaders,
          ExposeHeaders: rule.exposedHeaders,
          MaxAgeSeconds: rule.maxAge,
        },
      ],
    };
    const call = (action: 'putBucketCors' | 'deleteBucketCors'): cr.AwsSdkCall => ({
      service: 'S3',
      action,
      parameters: action === 'putBucketCors' ? { Bucket: props.bucket.bucketName, CORSConfiguration: corsConfiguration } : { Bucket: props.bucket.bucketName },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.bucket.bucketName}-cors`),
    });
    const resource = new cr.AwsCustomResource(this, 'Rule', {
      onCreate: call('putBucketCors'),
      onUpdate: call('putBucketCors'),
      onDelete: call('deleteBucketCors'),
      // PutBucketCors and DeleteBucketCors are both authorized by s3:PutBucketCORS, on this one bucket.
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['s3:PutBucketCORS'], resources: [props.bucket.bucketArn] })]),
      installLatestAwsSdk: false,
    });

    // The custom resource's singleton handler and its role are provided by aws-cdk-lib.
    const stack = Stack.of(this);
    const handler = stack.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    for (const target of [resource, ...(handler ? [handler] : [])]) {
      Validations.of(target).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "AwsCustomResource's handler (aws-cdk-lib) runs with AWSLambdaBasicExecutionRole for its own CloudWatch Logs; it calls only s3:PutBucketCORS on the uploads bucket.",
      });
    }
  }
}
