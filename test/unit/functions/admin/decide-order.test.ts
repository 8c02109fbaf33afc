import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { decideOrderHandler } from '#functions/admin/decide-order.handler';
import type { OrderRecord } from '#functions/orders/order-store';
import { ADMIN_SUB, adminAccessTokenClaims, adminClaims, type Claims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ORDER_ID, orderRecord, TASK_TOKEN } from '../../helpers/orders';

const UNKNOWN_ORDER_ID = '5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f';

const decide = (body: unknown, { orderId = ORDER_ID, claims = adminClaims as Claims | null, query = undefined as Record<string, string> | undefined } = {}) =>
  makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/decision', pathParameters: { orderId }, claims, body, queryStringParameters: query });

const sfnError = { message: 'fake', $metadata: {} };

describe('Function: DecideOrder', () => {
  const sfnMock = mockClient(SFNClient);
  let store: FakeOrderStore;
  let handler: ReturnType<typeof decideOrderHandler>;
  let waiting: OrderRecord;

  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
    waiting = orderRecord();
    store = new FakeOrderStore().seed(waiting);
    handler = decideOrderHandler({ orders: store, sfn: new SFNClient({}) });
  });

  it('claims the task token before it resumes the execution', async () => {
    // Prepare
    let orderWhenResumed: OrderRecord | undefined;
    sfnMock.on(SendTaskSuccessCommand).callsFake(() => {
      orderWhenResumed = store.peek(ORDER_ID);
      return {};
    });

    // Act
    await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(orderWhenResumed).toBeDefined();
    expect(orderWhenResumed).not.toHaveProperty('taskToken');
    expect(orderWhenResumed).toMatchObject({ decidedBy: ADMIN_SUB });
  });

  it('leaves the order without its token, recording who decided', async () => {
    // Act
    await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    const stored = store.peek(ORDER_ID);
    expect(stored).not.toHaveProperty('taskToken');
    expect(stored).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', decidedBy: ADMIN_SUB });
  });

  it('confirms by sending task success with the claimed token', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.body).toEqual({ orderId: ORDER_ID, decision: 'confirm' });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const input = sfnMock.commandCalls(SendTaskSuccessCommand)[0].args[0].input;
    expect(input.taskToken).toBe(TASK_TOKEN);
    expect(JSON.parse(input.output!)).toEqual({ decision: 'confirm', decidedBy: ADMIN_SUB });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  it('rejects by sending task failure OrderRejected with the reason as cause', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'reject', reason: 'Photos are too blurry' }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.body).toEqual({ orderId: ORDER_ID, decision: 'reject' });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TASK_TOKEN,
      error: 'OrderRejected',
      cause: 'Photos are too blurry',
    });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('sends the rejection reason trimmed', async () => {
    // Act
    await invoke(handler, decide({ decision: 'reject', reason: '  Photos are too blurry \n' }));

    // Assess
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, { cause: 'Photos are too blurry' });
  });

  it('serves an admin who sends an access token', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { claims: adminAccessTokenClaims }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(store.peek(ORDER_ID)).toMatchObject({ decidedBy: ADMIN_SUB });
  });

  it.each([
    { case: 'a rejection without a reason', body: { decision: 'reject' }, message: /^reason: / },
    { case: 'a reason under 3 characters', body: { decision: 'reject', reason: ' no ' }, message: /^reason: / },
    { case: 'a reason with a bell character', body: { decision: 'reject', reason: 'Too dark\u0007' }, message: /control characters/ },
    { case: 'a reason with a right-to-left override', body: { decision: 'reject', reason: 'Too \u202Edark' }, message: /control characters/ },
    { case: 'an unknown decision', body: { decision: 'maybe' }, message: /./ },
    { case: 'a reason on a confirmation', body: { decision: 'confirm', reason: 'Looks great' }, message: /./ },
  ])('answers 400 VALIDATION_FAILED to $case and claims nothing', async ({ body, message }) => {
    // Act
    const response = await invoke(handler, decide(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect(store.calls).toEqual([]);
    expect(store.peek(ORDER_ID)).toEqual(waiting);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 VALIDATION_FAILED to an order ID that is not a UUID and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { orderId: 'ORDER#1' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(store.calls).toEqual([]);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 UNKNOWN_PARAMETER to a query parameter and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { query: { force: 'true' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
    expect(store.calls).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a customer and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { claims: customerClaims }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
    expect(store.calls).toEqual([]);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 401 UNAUTHENTICATED without claims and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { claims: null }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.calls).toEqual([]);
  });

  it('answers 404 ORDER_NOT_FOUND for an order that does not exist, and creates none', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { orderId: UNKNOWN_ORDER_ID }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
    expect(store.peek(UNKNOWN_ORDER_ID)).toBeUndefined();
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 ORDER_NOT_WAITING without resuming when the token was already claimed', async () => {
    // Prepare
    store.seed(orderRecord({ taskToken: undefined, decidedBy: 'another-admin' }));

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'ORDER_NOT_WAITING', message: 'This order is not waiting for confirmation any more.' });
    expect(store.peek(ORDER_ID)).toMatchObject({ decidedBy: 'another-admin' });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 ORDER_NOT_WAITING to a second decision', async () => {
    // Prepare
    await invoke(handler, decide({ decision: 'confirm' }));

    // Act
    const response = await invoke(handler, decide({ decision: 'reject', reason: 'Changed my mind' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_WAITING' });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  it('answers 409 ORDER_NOT_WAITING for an order that has left the gate', async () => {
    // Prepare
    store.seed(orderRecord({ status: 'CONFIRMED', taskToken: undefined }));

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_WAITING' });
  });

  it.each([
    { name: 'TaskTimedOut', error: () => new TaskTimedOut(sfnError) },
    { name: 'TaskDoesNotExist', error: () => new TaskDoesNotExist(sfnError) },
    { name: 'InvalidToken', error: () => new InvalidToken(sfnError) },
  ])('answers 409 ORDER_NOT_WAITING and keeps the dead token claimed when Step Functions says $name', async ({ error }) => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).rejects(error());

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'ORDER_NOT_WAITING', message: 'This order stopped waiting for confirmation (it may have expired).' });
    expect(store.peek(ORDER_ID)).not.toHaveProperty('taskToken');
    expect(store.methodsCalled()).not.toContain('restoreTaskToken');
  });

  it('answers 503 DECISION_NOT_RECORDED and puts the token back when Step Functions fails otherwise', async () => {
    // Prepare
    sfnMock.on(SendTaskFailureCommand).rejects(new Error('ThrottlingException'));

    // Act
    const response = await invoke(handler, decide({ decision: 'reject', reason: 'Photos are too blurry' }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toEqual({ code: 'DECISION_NOT_RECORDED', message: 'The decision could not be recorded. Please try again.' });
    const stored = store.peek(ORDER_ID);
    expect(stored).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', taskToken: TASK_TOKEN });
    expect(stored).not.toHaveProperty('decidedBy');
  });

  it('lets the decision be made again after a transient failure', async () => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).rejectsOnce(new Error('ThrottlingException')).resolves({});
    await invoke(handler, decide({ decision: 'confirm' }));

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 2);
  });

  it('still answers 503 DECISION_NOT_RECORDED when putting the token back fails too', async () => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).rejects(new Error('ThrottlingException'));
    store.failNext('restoreTaskToken', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatchObject({ code: 'DECISION_NOT_RECORDED' });
    expect(store.methodsCalled()).toContain('restoreTaskToken');
  });

  it('answers 500 INTERNAL_ERROR without resuming when the claim fails for another reason', async () => {
    // Prepare
    store.failNext('claimTaskToken', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });
});
