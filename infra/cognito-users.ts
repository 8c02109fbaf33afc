import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Creates a person who can sign in at once: a verified e-mail as user name, a
 * permanent password, no invitation message. The local cloud's demo accounts
 * and the smoke test's temporary people are made this way.
 */
export async function createConfirmedUser(client: CognitoIdentityProviderClient, userPoolId: string, email: string, password: string): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }));
}
