import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { GROUPS, VERIFICATION_EMAIL } from '../../catalogue';

export interface UserDirectoryProps {
  /**
   * What happens to the user pool when its stack is deleted. `RETAIN` also
   * turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Use the Cognito Plus feature plan with threat protection enforced
   * (compromised credentials, adaptive authentication). Billed per monthly
   * active user.
   * @default false - Essentials plan
   */
  readonly threatProtection?: boolean;
}

/**
 * Who may use the studio: a Cognito user pool (self sign-up, e-mail sign-in,
 * strong passwords, optional TOTP MFA), the groups of {@link GROUPS}, and the
 * web app client. The web app calls Cognito `InitiateAuth` with
 * `USER_PASSWORD_AUTH` directly, so the client has no secret.
 */
export class UserDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: UserDirectoryProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const threatProtection = props.threatProtection ?? false;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      userVerification: { emailStyle: cognito.VerificationEmailStyle.CODE, emailSubject: VERIFICATION_EMAIL.subject, emailBody: VERIFICATION_EMAIL.body },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP) by product decision: customers sign up self-service to buy headshots, and forcing MFA at sign-up loses them; admins and artists are asked to enrol TOTP.',
    });
    if (!threatProtection) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'This stage runs the Essentials plan (stage config threatProtection=false) to avoid the per-MAU Plus fee; prod enables Plus with threat protection enforced.',
      });
    }

    // Group names are the claims the handlers check, so they are fixed, not generated.
    GROUPS.forEach((group, precedence) => {
      this.userPool.addGroup(pascalCase(group.name), { groupName: group.name, description: group.description, precedence });
    });

    this.webClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userPassword: true },
      // No hosted UI: the web app signs in with InitiateAuth, so no OAuth flows or callback URLs.
      disableOAuth: true,
      // REFRESH_TOKEN_AUTH is always allowed; keep refresh tokens revocable.
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}

function pascalCase(name: string): string {
  return name.replace(/(^|[-_\s])(\w)/g, (_, __, c: string) => c.toUpperCase());
}
