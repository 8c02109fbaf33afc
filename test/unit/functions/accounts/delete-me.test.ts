import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { AdminDeleteUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { deleteMeHandler } from '#functions/accounts/delete-me.handler';
import { TEST_ENV } from '../../helpers/env';
import { type Claims, CUSTOMER_SUB, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { ordersOf } from '../../helpers/orders';

const remove = (claims: Claims | null = customerClaims) => makeEvent({ routeKey: 'DELETE /v1/me', claims });

describe('Function: DeleteMe', () => {
  const cognitoMock = mockClient(CognitoIdentityProviderClient);
  let orders: FakeOrderStore;
  let organisations: FakeOrganisationStore;
  let handler: ReturnType<typeof deleteMeHandler>;

  beforeEach(() => {
    cognitoMock.reset();
    cognitoMock.on(AdminDeleteUserCommand).resolves({});
    orders = new FakeOrderStore();
    organisations = new FakeOrganisationStore();
    handler = deleteMeHandler({ orders, organisations, cognito: new CognitoIdentityProviderClient({}), userPoolId: TEST_ENV.USER_POOL_ID });
  });

  it('removes the caller, by sub, from the user pool', async () => {
    const response = await invoke(handler, remove());
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, deleted: true });
    expect(cognitoMock).toHaveReceivedCommandWith(AdminDeleteUserCommand, { UserPoolId: TEST_ENV.USER_POOL_ID, Username: CUSTOMER_SUB });
  });

  it('lets an account with only ended orders go', async () => {
    orders.seed(...ordersOf(CUSTOMER_SUB, 2, { status: 'REJECTED' }));
    expect((await invoke(handler, remove())).statusCode).toBe(200);
  });

  it('answers 409 ORDERS_IN_PROGRESS while an order is in progress (a draft counts), deleting nothing', async () => {
    orders.seed(...ordersOf(CUSTOMER_SUB, 1, { status: 'DRAFT' }));
    const response = await invoke(handler, remove());
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'ORDERS_IN_PROGRESS', message: expect.stringContaining('1 order in progress') });
    expect(cognitoMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 LEAVE_ORGANISATIONS_FIRST naming the organisations the caller belongs to, deleting nothing', async () => {
    await organisations.create({ orgId: 'c1d2e3f4-0000-4000-8000-000000000001', name: 'Acme Studio', walletId: 'c1d2e3f4-0000-4000-8000-000000000001', owner: { sub: CUSTOMER_SUB } });
    const response = await invoke(handler, remove());
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'LEAVE_ORGANISATIONS_FIRST', message: expect.stringContaining('Acme Studio') });
    expect(cognitoMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 200 when the account is gone already (a retry)', async () => {
    cognitoMock.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    expect((await invoke(handler, remove())).statusCode).toBe(200);
  });

  it('answers 403 API_KEY_NOT_ALLOWED to an API key, touching nothing', async () => {
    const event = remove();
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: { sub: CUSTOMER_SUB, groups: '[]', keyId: 'k1', scope: 'person' } };
    const response = await invoke(handler, event);
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({ code: 'API_KEY_NOT_ALLOWED' });
    expect(cognitoMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 401 without claims, touching nothing', async () => {
    expect((await invoke(handler, remove(null))).statusCode).toBe(401);
    expect(cognitoMock).not.toHaveReceivedAnyCommand();
  });
});
