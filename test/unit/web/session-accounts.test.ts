import { AuthError, CognitoClient, PASSWORD_RULE } from '../../../web/src/auth/session';

const CONFIG = { cognitoEndpoint: 'https://cognito-idp.test/', userPoolClientId: 'web-client' };

/** A Cognito that records each call and answers what the test queued, as the JSON protocol does. */
function fakeCognito(answers: { status: number; body: unknown }[]) {
  const calls: { target: string; body: Record<string, unknown> }[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    calls.push({ target: String((init.headers as Record<string, string>)['X-Amz-Target']), body: JSON.parse(String(init.body)) as Record<string, unknown> });
    const answer = answers.shift() ?? { status: 200, body: {} };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  return { calls, client: new CognitoClient(CONFIG, fetchImpl) };
}

const refused = (type: string, message = 'refused') => ({ status: 400, body: { __type: type, message } });

describe('the web app’s account calls to Cognito', () => {
  it('signs up with the email as username and attribute, and says whether a code is needed', async () => {
    const { calls, client } = fakeCognito([{ status: 200, body: { UserConfirmed: false, UserSub: 'abc' } }]);
    await expect(client.signUp('ana@example.com', 'Secret-password-1')).resolves.toEqual({ needsCode: true });
    expect(calls).toEqual([
      {
        target: 'AWSCognitoIdentityProviderService.SignUp',
        body: { ClientId: 'web-client', Username: 'ana@example.com', Password: 'Secret-password-1', UserAttributes: [{ Name: 'email', Value: 'ana@example.com' }] },
      },
    ]);
  });

  it('confirms, resends, requests and completes a reset with the client ID', async () => {
    const { calls, client } = fakeCognito([]);
    await client.confirmSignUp('ana@example.com', '123456');
    await client.resendCode('ana@example.com');
    await client.forgotPassword('ana@example.com');
    await client.confirmForgotPassword('ana@example.com', '654321', 'New-password-22');
    expect(calls.map((c) => [c.target.split('.')[1], c.body])).toEqual([
      ['ConfirmSignUp', { ClientId: 'web-client', Username: 'ana@example.com', ConfirmationCode: '123456' }],
      ['ResendConfirmationCode', { ClientId: 'web-client', Username: 'ana@example.com' }],
      ['ForgotPassword', { ClientId: 'web-client', Username: 'ana@example.com' }],
      ['ConfirmForgotPassword', { ClientId: 'web-client', Username: 'ana@example.com', ConfirmationCode: '654321', Password: 'New-password-22' }],
    ]);
  });

  it('changes a password with the access token alone', async () => {
    const { calls, client } = fakeCognito([]);
    await client.changePassword('access-token', 'Old-password-11', 'New-password-22');
    expect(calls[0]).toEqual({ target: 'AWSCognitoIdentityProviderService.ChangePassword', body: { AccessToken: 'access-token', PreviousPassword: 'Old-password-11', ProposedPassword: 'New-password-22' } });
  });

  it.each<[string, (c: CognitoClient) => Promise<unknown>, ReturnType<typeof refused>, AuthError['kind'], RegExp]>([
    ['an address in use', (c) => c.signUp('a@b.co', 'x'), refused('UsernameExistsException'), 'conflict', /exists already/],
    ['a weak password', (c) => c.signUp('a@b.co', 'x'), refused('InvalidPasswordException', 'Password does not conform to policy: Password not long enough'), 'password', /Password not long enough\. Use at least 12/],
    ['a wrong code', (c) => c.confirmSignUp('a@b.co', '000000'), refused('CodeMismatchException'), 'code', /not right/],
    ['an expired code', (c) => c.confirmForgotPassword('a@b.co', '000000', 'x'), refused('ExpiredCodeException'), 'code', /expired/],
    ['an unknown address on reset', (c) => c.forgotPassword('a@b.co'), refused('UserNotFoundException'), 'credentials', /No account uses/],
    ['an unconfirmed account at sign-in', (c) => c.signIn('a@b.co', 'x'), refused('UserNotConfirmedException'), 'unconfirmed', /Type the code/],
    ['a wrong current password', (c) => c.changePassword('t', 'x', 'y'), refused('NotAuthorizedException'), 'credentials', /current password/],
    ["a wrong current password, as cognito-local answers it", (c) => c.changePassword('t', 'x', 'y'), refused('InvalidPasswordException', 'Invalid password'), 'credentials', /current password/],
    ['a new password the policy refuses', (c) => c.changePassword('t', 'x', 'y'), refused('InvalidPasswordException', 'Password does not conform to policy: Password must have symbol characters'), 'password', /must have symbol/],
    ['a wrong password at sign-in', (c) => c.signIn('a@b.co', 'x'), refused('NotAuthorizedException'), 'credentials', /do not match/],
  ])('tells the person what to do about %s', async (_case, act, answer, kind, message) => {
    const { client } = fakeCognito([answer]);
    const failure = await act(client).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthError);
    expect(failure).toMatchObject({ kind, message: expect.stringMatching(message) });
  });

  it('states the pool’s password policy when Cognito gives no detail', async () => {
    const { client } = fakeCognito([refused('InvalidPasswordException', '')]);
    await expect(client.confirmForgotPassword('a@b.co', '1', 'x')).rejects.toMatchObject({ message: PASSWORD_RULE });
  });
});
