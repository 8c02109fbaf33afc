import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ResourceRegistry } from '../../catalogue';
import type { ResourceIndex } from '../resource-index';
import { Validations } from 'aws-cdk-lib';

export interface RegistryResourcesProps {
  /** Where the created resources are recorded. */
  readonly index: ResourceIndex;
  /** IDs of the registry entries to create (kinds queue, topic and secret). */
  readonly ids: readonly string[];
  /**
   * What happens to the resources when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The registry's queues, topics and secrets, created with the defaults every
 * one of them shares, so declaring one in `infra/catalogue/resources.ts` and
 * granting it to a function is all it takes:
 * - a queue: SQS-managed encryption, TLS only, a dead-letter queue after 5 receives;
 * - a topic: encrypted with a customer managed key, TLS only;
 * - a secret: a Secrets Manager secret whose value an operator sets.
 */
export class RegistryResources extends Construct {
  constructor(scope: Construct, id: string, props: RegistryResourcesProps) {
    super(scope, id);
    const { index } = props;
    for (const resourceId of props.ids) {
      const spec = index.registry[resourceId];
      switch (spec?.kind) {
        case 'queue': {
          const deadLetters = new sqs.Queue(this, `${resourceId}DeadLetters`, {
            encryption: sqs.QueueEncryption.SQS_MANAGED,
            enforceSSL: true,
            retentionPeriod: Duration.days(14),
            removalPolicy: props.removalPolicy,
          });
          Validations.of(deadLetters).acknowledge({
            id: 'AwsSolutions-SQS3',
            reason: `${resourceId}DeadLetters is itself the dead-letter queue of ${resourceId}.`,
          });
          const queue = new sqs.Queue(this, resourceId, {
            encryption: sqs.QueueEncryption.SQS_MANAGED,
            enforceSSL: true,
            deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
            removalPolicy: props.removalPolicy,
          });
          index.add(resourceId, 'queue', queue);
          break;
        }
        case 'topic': {
          const key = new kms.Key(this, `${resourceId}Key`, { enableKeyRotation: true, removalPolicy: props.removalPolicy, description: `Encrypts the ${resourceId} topic` });
          index.add(resourceId, 'topic', new sns.Topic(this, resourceId, { masterKey: key, enforceSSL: true }));
          break;
        }
        case 'secret': {
          const secret = new secretsmanager.Secret(this, resourceId, { description: spec.description, removalPolicy: props.removalPolicy });
          Validations.of(secret).acknowledge({
            id: 'AwsSolutions-SMG4',
            reason: `${resourceId} holds a third-party API key that only its provider can rotate; an operator rotates it there and updates the secret.`,
          });
          index.add(resourceId, 'secret', secret);
          break;
        }
        default:
          throw new Error(`RegistryResources creates queues, topics and secrets; "${resourceId}" is a ${spec?.kind ?? 'unregistered resource'}.`);
      }
    }
  }
}

/** IDs of the registry entries a stack owns, by kind. */
export function ownedBy(registry: ResourceRegistry, owner: 'stateful' | 'auth'): Record<string, string[]> {
  const byKind: Record<string, string[]> = {};
  for (const [id, spec] of Object.entries(registry)) if (spec.owner === owner) (byKind[spec.kind] ??= []).push(id);
  return byKind;
}
