import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { REPO_ROOT, type StageConfig } from '../config';
import { Api } from '../constructs/api';
import { SiteContent } from '../constructs/site-content';
import type { StaticSite } from '../constructs/static-site';
import { UploadsCors } from '../constructs/uploads-cors';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
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
 * The HTTP API every domain stack adds its routes to, and the web app's
 * content with its `config.json` (which carries the API's URL).
 */
export class ApiStack extends Stack {
  readonly api: Api;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.api = new Api(this, 'Api', {
      userPool: props.userPool,
      userPoolClients: [props.webClient],
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

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
  }
}
