import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AUTHORIZER, domainOf } from '../../catalogue';
import { REPO_ROOT, removalPolicyOf, type StageConfig } from '../config';
import { Api } from '../constructs/api';
import { AppFunction } from '../constructs/app-function';
import { RateLimitTable } from '../constructs/rate-limit-table';
import type { ResourceIndex } from '../resource-index';
import { SiteContent } from '../constructs/site-content';
import type { StaticSite } from '../constructs/static-site';
import { UploadsCors } from '../constructs/uploads-cors';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  /** The authorizer's grants are bound from it; the rate limit's counter table (`RateLimitTable`) is recorded in it. */
  readonly index: ResourceIndex;
  readonly userPool: cognito.IUserPool;
  readonly webClient: cognito.IUserPoolClient;
  /** The web site: its origin is allowed by CORS, and the built app is published to it. */
  readonly site: StaticSite;
  /** Browsers upload selfies to it: its CORS is limited to the site's origin here, unless the stage names origins. */
  readonly uploadsBucket: s3.IBucket;
  /** Admins upload studio images to it from the site, likewise. */
  readonly studioMediaBucket: s3.IBucket;
  /**
   * Folder with the built web app.
   * @default `${REPO_ROOT}/web/dist`
   */
  readonly webAssetDir?: string;
}

/**
 * The HTTP API every domain stack adds its routes to, with its Lambda
 * authorizer (the catalogue's {@link AUTHORIZER}: every domain's routes need
 * it, so it lives here, above them) and the counters of the per-caller rate
 * limit that every API function increments; and the web app's content with
 * its `config.json` (which carries the API's URL).
 */
export class ApiStack extends Stack {
  readonly api: Api;
  /** The authorizer function (Cognito token or API key). */
  readonly authorizer: AppFunction;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    // Counters only live a minute or two: they belong with the API they protect, not with the stateful data.
    const counters = new RateLimitTable(this, 'RateLimits');
    props.index.add('RateLimitTable', 'table', counters.table);

    this.authorizer = new AppFunction(this, AUTHORIZER.id, {
      spec: AUTHORIZER,
      logRetention: config.logRetentionDays,
      logRemovalPolicy: removalPolicyOf(config),
      logLevel: config.logLevel,
      metricsNamespace: config.metricsNamespace,
    });
    this.authorizer.bind(props.index);
    Tags.of(this.authorizer).add('domain', domainOf('CreateApiKey').id);

    this.api = new Api(this, 'Api', {
      authorizerFunction: this.authorizer.function,
      allowedOrigins: [props.site.origin],
    });

    if (!config.uploadCorsOrigins) {
      new UploadsCors(this, 'UploadsCors', { bucket: props.uploadsBucket, origins: [props.site.origin] });
      new UploadsCors(this, 'StudioMediaCors', { bucket: props.studioMediaBucket, origins: [props.site.origin] });
    }

    new SiteContent(this, 'SiteContent', {
      site: props.site,
      assetDir: props.webAssetDir ?? path.join(REPO_ROOT, 'web', 'dist'),
      config: {
        apiUrl: this.api.url,
        region: this.region,
        cognitoEndpoint: `https://cognito-idp.${this.region}.amazonaws.com/`,
        userPoolClientId: props.webClient.userPoolClientId,
      },
      logRetention: config.logRetentionDays,
    });

    for (const [resourceId, spec] of Object.entries(props.index.registry)) {
      if (spec.owner === 'api' && spec.kind === 'apiEndpoint') props.index.add(resourceId, 'apiEndpoint', { url: this.api.url });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
  }
}
