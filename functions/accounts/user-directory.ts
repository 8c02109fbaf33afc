import { AdminGetUserCommand, AdminListGroupsForUserCommand, type CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';

/** A person's profile as the user pool keeps it. */
export interface Profile {
  readonly email?: string;
}

/**
 * Reads profiles from the Cognito user pool by `sub`, so handlers need no
 * claim beyond `sub` and work with ID and access tokens alike. (In a pool that
 * signs in by e-mail, the user name Cognito assigns is the `sub`.)
 */
export class UserDirectory {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async profile(sub: string): Promise<Profile | undefined> {
    try {
      const { UserAttributes = [] } = await this.cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: sub }));
      return { email: UserAttributes.find((a) => a.Name === 'email')?.Value };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }

  /** The groups a person is in (`admins`, `artists`), or undefined when there is no such person. */
  async groups(sub: string): Promise<string[] | undefined> {
    try {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await this.cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: sub, NextToken: token }));
        names.push(...(page.Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])));
        token = page.NextToken;
      } while (token);
      return names;
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }
}
