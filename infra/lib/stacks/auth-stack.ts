import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { removalPolicyOf, type StageConfig } from '../config';
import { UserDirectory } from '../constructs/user-directory';
import type { ResourceIndex } from '../resource-index';

export interface AuthStackProps extends StackProps {
  readonly config: StageConfig;
  /** The user pool is recorded in it as `UserPool`. */
  readonly index: ResourceIndex;
}

/** Who may sign in: the Cognito user pool, its groups and the web app client. */
export class AuthStack extends Stack {
  readonly userPool: cognito.IUserPool;
  readonly webClient: cognito.IUserPoolClient;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const directory = new UserDirectory(this, 'Users', {
      removalPolicy: removalPolicyOf(props.config),
      threatProtection: props.config.threatProtection,
    });
    this.userPool = directory.userPool;
    this.webClient = directory.webClient;
    props.index.add('UserPool', 'userPool', this.userPool);

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool (add admins and artists to their groups here)' });
    new CfnOutput(this, 'WebClientId', { value: this.webClient.userPoolClientId, description: 'Cognito app client of the web app' });
  }
}
