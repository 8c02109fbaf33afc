import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DomainSpec } from '../../catalogue';
import { removalPolicyOf, type StageConfig } from '../config';
import type { Api } from '../constructs/api';
import { Domain } from '../constructs/domain';
import type { ResourceIndex } from '../resource-index';

export interface DomainStackProps extends StackProps {
  readonly config: StageConfig;
  readonly spec: DomainSpec;
  readonly index: ResourceIndex;
  readonly api: Api;
}

/** The stack of one domain: its functions, workflows and routes (see {@link Domain}). */
export class DomainStack extends Stack {
  readonly domain: Domain;

  constructor(scope: Construct, id: string, props: DomainStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.domain = new Domain(this, 'Domain', {
      spec: props.spec,
      index: props.index,
      api: props.api,
      logRetention: config.logRetentionDays,
      logRemovalPolicy: removalPolicyOf(config),
      logLevel: config.logLevel,
      metricsNamespace: config.metricsNamespace,
      stage: config.stage,
    });
  }
}
