import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { removalPolicyOf, type StageConfig } from '../config';
import { MediaBuckets } from '../constructs/media-buckets';
import { StudioTable } from '../constructs/studio-table';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * What must outlive every deployment: the single table and the photo buckets.
 * Kept apart from the stateless stack so that stack can be replaced freely;
 * the resources are handed on as `ITable` / `IBucket`.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.ITable;
  readonly uploadsBucket: s3.IBucket;
  readonly outputsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const removalPolicy = removalPolicyOf(props.config);

    this.table = new StudioTable(this, 'Table', { removalPolicy }).table;
    const buckets = new MediaBuckets(this, 'Media', { removalPolicy, uploadCorsOrigins: props.config.uploadCorsOrigins });
    this.uploadsBucket = buckets.uploads;
    this.outputsBucket = buckets.outputs;
  }
}
