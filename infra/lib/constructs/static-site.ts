import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeDistribution } from './nag';
import { contentSecurityPolicy } from '../../security-headers';
import { ABORT_INCOMPLETE_UPLOADS, privateBucket } from './private-bucket';

export interface StaticSiteProps {
  /**
   * Extra `connect-src` sources of the Content-Security-Policy (API, Cognito,
   * upload bucket). `'self'` is always allowed.
   * @default - only 'self'
   */
  readonly connectSources?: readonly string[];
  /**
   * Extra `img-src` sources (the buckets whose signed links the app shows).
   * @default - only 'self', data: and blob:
   */
  readonly imageSources?: readonly string[];
  /**
   * ARN of a WAFv2 web ACL with scope CLOUDFRONT (created in us-east-1).
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * What happens to the site and log buckets when the stack is deleted.
   * The site bucket only holds build output, so it is emptied and deleted by default.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Days CloudFront and S3 access logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}

/**
 * Hosting of the web app: a private, encrypted, TLS-only bucket served only
 * through CloudFront with origin access control, security headers on every
 * response, HTTPS redirect, and access logs for both CloudFront and S3.
 * The content itself is published by {@link SiteContent}.
 */
export class StaticSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: StaticSiteProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    // CloudFront standard logging writes with an ACL grant, so this bucket keeps ACLs enabled (object writer).
    this.logBucket = privateBucket(this, 'Logs', {
      removalPolicy,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.logRetentionDays ?? 90) }],
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Logs is the access-log destination of the site bucket and its distribution; logging it into itself would log every log delivery.',
    });

    this.bucket = privateBucket(this, 'Bucket', {
      removalPolicy,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      lifecycleRules: [ABORT_INCOMPLETE_UPLOADS],
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Security headers of the headshot studio web app',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({ connectSources: props.connectSources ?? [], imageSources: props.imageSources ?? [], upgradeInsecureRequests: true }),
          override: true,
        },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Headshot studio web app (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });

    acknowledgeDistribution(this.distribution, {
      geo: 'The studio sells worldwide; there is no country the product must be withheld from, so no geo restriction.',
      certificate:
        'The distribution has no custom domain yet, so it serves the default *.cloudfront.net certificate whose viewer TLS policy CloudFront fixes; attaching a domain certificate must set TLSv1.2_2021.',
      ...(!props.webAclArn && {
        withoutWaf:
          'Static, public build output only (no forms, no API behind this distribution); this stage sets no webAclArn. The API has its own throttling and JWT authorizer.',
      }),
    });
  }

  /** `https://<distribution domain>`, the web origin for CORS. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
