import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { removalPolicyOf, type StageConfig } from '../config';
import { StaticSite } from '../constructs/static-site';
import type { ResourceIndex } from '../resource-index';

export interface SiteStackProps extends StackProps {
  readonly config: StageConfig;
  /** Browsers upload straight to it and show its photos, so the CSP allows it. */
  readonly uploadsBucket: s3.IBucket;
  /** Likewise for studio images. */
  readonly studioMediaBucket: s3.IBucket;
  /** The media distribution's origin (`https://<domain>`): the app shows delivered images from it. */
  readonly mediaOrigin: string;
  /** The registry's `site` entry (the web app's origin) is recorded here. */
  readonly index: ResourceIndex;
}

/**
 * Where the web app is hosted: the site bucket behind CloudFront. Its content
 * (and `config.json`, which needs the API's URL) is published by the API stack,
 * so the API can name this origin in its CORS without a cycle.
 */
export class SiteStack extends Stack {
  readonly site: StaticSite;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.site = new StaticSite(this, 'Site', {
      // The CSP names API Gateway of the region rather than the one API, which is created later.
      connectSources: [
        `https://*.execute-api.${this.region}.amazonaws.com`,
        `https://cognito-idp.${this.region}.amazonaws.com`,
        `https://${props.uploadsBucket.bucketRegionalDomainName}`,
        `https://${props.studioMediaBucket.bucketRegionalDomainName}`,
        props.mediaOrigin,
      ],
      imageSources: [`https://${props.uploadsBucket.bucketRegionalDomainName}`, `https://${props.studioMediaBucket.bucketRegionalDomainName}`, props.mediaOrigin],
      webAclArn: config.webAclArn,
      removalPolicy: removalPolicyOf(config),
    });
    new CfnOutput(this, 'WebUrl', { value: this.site.origin, description: 'The web app' });
    for (const [id, spec] of Object.entries(props.index.registry)) if (spec.owner === 'site') props.index.add(id, 'site', { url: this.site.origin });
  }
}
