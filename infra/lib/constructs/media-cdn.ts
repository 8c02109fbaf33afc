import { createHash } from 'node:crypto';
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeDistribution } from './nag';
import { privateBucket } from './private-bucket';

export interface MediaCdnProps {
  /**
   * The bucket served: the outputs bucket (`outputs/<stage>/<owner>/<order>/…`
   * images, `deliveries/…` ZIPs). It must live in the same stack (see {@link MediaCdn}).
   */
  readonly bucket: s3.IBucket;
  /** PEM of the RSA 2048 public key CloudFront checks signatures with (the stage config's `mediaSigningPublicKey`). */
  readonly signingPublicKey: string;
  /**
   * What happens to the signing-key secret and the log bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * ARN of a WAFv2 web ACL with scope CLOUDFRONT (created in us-east-1).
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Days CloudFront access logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}

/**
 * Delivered images and ZIPs, served from the outputs bucket through CloudFront
 * to signed, expiring URLs only:
 * - the bucket stays private; CloudFront reads it through origin access control (read only);
 * - the default (only) behaviour trusts one key group, so CloudFront answers 403
 *   to any request without a valid signature before looking at its cache or the bucket;
 * - GET/HEAD only, HTTP redirected to HTTPS, access logs kept.
 *
 * Functions granted `MediaCdn: 'sign'` sign URLs (canned policy) with the
 * private key an operator stores in {@link secret} as JSON
 * `{ "keyPairId": <publicKey's ID>, "privateKey": "-----BEGIN PRIVATE KEY-----…" }`.
 *
 * Build it in the stack that owns the bucket. Origin access control writes a
 * statement into the bucket's policy that names the distribution
 * (`AWS:SourceArn`); with the distribution in a later stack, that statement
 * would make the bucket's stack import from the later stack, which already
 * imports the bucket: a cycle CloudFormation cannot deploy.
 */
export class MediaCdn extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The key CloudFront checks signatures with; its ID is the `keyPairId` of signed URLs. */
  readonly publicKey: cloudfront.PublicKey;
  readonly keyGroup: cloudfront.KeyGroup;
  /** Where an operator puts `{ keyPairId, privateKey }`; functions read it to sign. */
  readonly secret: secretsmanager.Secret;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaCdnProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // CloudFront cannot change a public key in place, so a new key is a new
    // resource (its ID carries the key's hash): the key group swaps to it and
    // the old key is deleted; the operator then stores the new pair in the secret.
    const keyHash = createHash('sha256').update(props.signingPublicKey.trim()).digest('hex').slice(0, 12);
    // Names, and the caller reference, are per account: CDK derives them from the construct
    // path, which is the same in every stage, so they carry the stack's name here.
    const prefix = Names.uniqueResourceName(this, { maxLength: 64 });
    this.publicKey = new cloudfront.PublicKey(this, `SigningPublicKey${keyHash}`, {
      publicKeyName: `${prefix}-SigningKey-${keyHash}`,
      encodedKey: props.signingPublicKey,
      comment: 'Checks the signatures of links to delivered images',
    });
    (this.publicKey.node.defaultChild as cloudfront.CfnPublicKey).addPropertyOverride('PublicKeyConfig.CallerReference', `${prefix}-${keyHash}`);
    this.keyGroup = new cloudfront.KeyGroup(this, 'KeyGroup', {
      keyGroupName: `${prefix}-KeyGroup`,
      items: [this.publicKey],
      comment: 'Signers of links to delivered images',
    });

    this.secret = new secretsmanager.Secret(this, 'SigningKey', {
      description:
        'Signs links to delivered images (CloudFront signed URLs). An operator puts JSON { "keyPairId": "<stack output MediaSigningKeyPairId>", "privateKey": "<PEM private key>" } here: the private half of the stage config\'s mediaSigningPublicKey.',
      removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'SigningKey holds the private half of a key pair whose public half CloudFront trusts through the stage config; a rotation Lambda cannot change that, so rotation is a new pair in mediaSigningPublicKey, deployed, then stored here by an operator.',
    });

    // CloudFront standard logging writes with an ACL grant, so this bucket keeps ACLs enabled (object writer).
    // The logged query strings carry signatures, which stay valid until they expire: the bucket is private.
    this.logBucket = privateBucket(this, 'Logs', {
      removalPolicy,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.logRetentionDays ?? 90) }],
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Logs is the access-log destination of the media distribution; logging it into itself would log every log delivery.',
    });

    const responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Delivered images of the headshot studio: no sniffing, HTTPS only, readable cross-origin',
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      // Any origin may read, without credentials: a signed URL is a bearer link that works
      // from anywhere (curl, an e-mail client), so naming the site's origin here would
      // protect nothing, and would need the site stack, which is built after this one.
      corsBehavior: {
        accessControlAllowOrigins: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD'],
        accessControlAllowHeaders: ['*'],
        accessControlAllowCredentials: false,
        accessControlMaxAge: Duration.days(1),
        originOverride: true,
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Headshot studio delivered images, signed URLs only (${Stack.of(this).stackName})`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(props.bucket, { originAccessLevels: [cloudfront.AccessLevel.READ] }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        // Query strings (the signature) are not part of the cache key: CloudFront checks the
        // signature before the cache, so one cached copy serves every valid link.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: responseHeaders,
        trustedKeyGroups: [this.keyGroup],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });

    acknowledgeDistribution(this.distribution, {
      geo: 'Customers receive their headshots worldwide; there is no country delivery must be withheld from, so no geo restriction.',
      certificate:
        'The media distribution has no custom domain, so it serves the default *.cloudfront.net certificate whose viewer TLS policy CloudFront fixes; attaching a domain certificate must set TLSv1.2_2021.',
      ...(!props.webAclArn && {
        withoutWaf:
          'Every request must carry a valid CloudFront signature (trusted key group), checked at the edge before cache or origin; GET/HEAD of images only, no forms or API. This stage sets no webAclArn.',
      }),
    });
  }

  /** `https://<distribution domain>`, the base of signed links and the origin the site's CSP allows. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
