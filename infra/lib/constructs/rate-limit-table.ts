import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { RATE_LIMIT_TABLE } from '../../catalogue';

/**
 * The counters of the API's per-caller rate limit ({@link RATE_LIMIT_TABLE}):
 * a string `pk`, on-demand capacity, a TTL attribute, AWS-managed encryption
 * and point-in-time recovery (cheap on a table this small, and what cdk-nag
 * asks of every table). Its items live two minutes, so nothing is lost when
 * the table is replaced: it is destroyed with its stack.
 */
export class RateLimitTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Resource', {
      partitionKey: { name: RATE_LIMIT_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: RATE_LIMIT_TABLE.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
