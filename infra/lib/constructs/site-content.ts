import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { WebConfig } from '../../../web/config';
import { acknowledgeStarResource, acknowledgeWildcardResource, flattenCfnReference } from './nag';
import type { StaticSite } from './static-site';

export interface SiteContentProps {
  /** Where the content goes. */
  readonly site: StaticSite;
  /** Folder with the built web app (`npm run build:web` writes `web/dist`). */
  readonly assetDir: string;
  /** Runtime configuration, written as `/config.json` next to the app. */
  readonly config: WebConfig;
  /**
   * How long the deployment custom resource keeps its logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Publishes the built web app and its `config.json` to a {@link StaticSite}
 * and invalidates the distribution. Synthesis fails when the build output is
 * missing (run `npm run build:web`, which `npm run synth` and `deploy` do).
 */
export class SiteContent extends Construct {
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: SiteContentProps) {
    super(scope, id);
    const index = path.join(props.assetDir, 'index.html');
    if (!existsSync(index)) {
      throw new Error(`${index} does not exist: build the web app first (npm run build:web).`);
    }
    const { site } = props;

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    // Own role instead of AWSLambdaBasicExecutionRole: write only to this log group.
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      // Source maps stay out of the public site; they are for local debugging.
      sources: [s3deploy.Source.asset(props.assetDir, { exclude: ['*.map', 'bundle-report.json'] }), s3deploy.Source.jsonData('config.json', props.config)],
      destinationBucket: site.bucket,
      distribution: site.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
      role,
      logGroup,
    });

    // The grants BucketDeployment gives its role: read the CDK asset, sync the site bucket, invalidate.
    const grantee = role;
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `BucketDeployment's handler syncs the built web app (aws s3 sync semantics) from the CDK asset bucket into the site bucket; ${action} comes from its grantRead/grantReadWrite on those two buckets only.`,
      });
    }
    acknowledgeWildcardResource(
      grantee,
      site.bucket,
      site.bucket.bucketArn,
      '/*',
      'BucketDeployment replaces every object of the site bucket on deploy (prune), so it needs all objects of that one bucket.',
    );
    const stack = Stack.of(this);
    // The CDK bootstrap asset bucket's objects: its ARN is built by the synthesizer, so read it from the policy.
    for (const resource of wildcardResourcesOf(role)) {
      if (!/cdk-[a-z0-9]+-assets-/.test(resource)) continue;
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: 'BucketDeployment reads the zipped web app from the CDK bootstrap asset bucket; asset object keys are content hashes.',
      });
    }
    acknowledgeStarResource(grantee, 'CloudFront CreateInvalidation/GetInvalidation for the site distribution after upload, as granted by BucketDeployment.');

    // The handler is a singleton at stack scope with a runtime pinned by aws-cdk-lib.
    const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The BucketDeployment handler (Python, AWS CLI based) is provided by aws-cdk-lib with a pinned runtime that the app cannot change.',
      });
    }
  }
}

/** Flattened (cdk-nag style) wildcard resources of a role's default policy. */
function wildcardResourcesOf(role: iam.Role): string[] {
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (!policy) return [];
  const stack = Stack.of(role);
  const document = stack.resolve(policy.document.toJSON()) as { Statement?: { Resource?: unknown }[] };
  return (document.Statement ?? [])
    .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
    .map(flattenCfnReference)
    .filter((resource) => resource.includes('*'));
}
