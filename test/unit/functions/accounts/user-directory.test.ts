import 'aws-sdk-client-mock-jest';
import { AdminGetUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { UserDirectory } from '#functions/accounts/user-directory';
import { CUSTOMER_SUB } from '../../helpers/events';

const POOL_ID = 'eu-west-1_TestPool1';

describe('Class: UserDirectory', () => {
  const cognitoMock = mockClient(CognitoIdentityProviderClient);
  const directory = new UserDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), POOL_ID);

  beforeEach(() => {
    cognitoMock.reset();
    cognitoMock.on(AdminGetUserCommand).resolves({
      Username: CUSTOMER_SUB,
      UserAttributes: [
        { Name: 'sub', Value: CUSTOMER_SUB },
        { Name: 'email', Value: 'ada@example.com' },
      ],
    });
  });

  it('answers the e-mail of the user', async () => {
    // Act
    const profile = await directory.profile(CUSTOMER_SUB);

    // Assess
    expect(profile).toEqual({ email: 'ada@example.com' });
  });

  it('looks the user up by sub in its pool', async () => {
    // Act
    await directory.profile(CUSTOMER_SUB);

    // Assess
    expect(cognitoMock).toHaveReceivedCommandWith(AdminGetUserCommand, { UserPoolId: POOL_ID, Username: CUSTOMER_SUB });
  });

  it('answers a profile without e-mail when the user has none', async () => {
    // Prepare
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: CUSTOMER_SUB });

    // Act
    const profile = await directory.profile(CUSTOMER_SUB);

    // Assess
    expect(profile).toEqual({ email: undefined });
  });

  it('answers undefined when there is no such user', async () => {
    // Prepare
    cognitoMock.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));

    // Act
    const profile = await directory.profile(CUSTOMER_SUB);

    // Assess
    expect(profile).toBeUndefined();
  });

  it('lets any other error through', async () => {
    // Prepare
    cognitoMock.on(AdminGetUserCommand).rejects(new Error('TooManyRequestsException'));

    // Act
    const profile = directory.profile(CUSTOMER_SUB);

    // Assess
    await expect(profile).rejects.toThrow('TooManyRequestsException');
  });
});
