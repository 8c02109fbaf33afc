import { AdminGetUserCommand, type CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';

/** A person's e-mail address as the user pool holds it, and whether they proved it is theirs. */
export interface PersonEmail {
  /** Lower case, as invitations store addresses. */
  readonly email?: string;
  readonly verified: boolean;
}

/** Where handlers read a person's e-mail; unit tests hand them a fake. */
export interface People {
  email(sub: string): Promise<PersonEmail | undefined>;
}

/**
 * Reads e-mail addresses from the Cognito user pool by `sub` (never from
 * token claims), with `email_verified`: only a verified address may answer an
 * invitation sent to it.
 */
export class UserPoolPeople implements People {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async email(sub: string): Promise<PersonEmail | undefined> {
    try {
      const { UserAttributes = [] } = await this.cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: sub }));
      const email = UserAttributes.find((a) => a.Name === 'email')?.Value?.trim().toLowerCase();
      return { ...(email && { email }), verified: UserAttributes.find((a) => a.Name === 'email_verified')?.Value === 'true' };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }
}
