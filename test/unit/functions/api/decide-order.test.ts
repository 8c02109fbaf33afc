import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/api/decide-order';
import { TEST_ENV } from '../../helpers/env';
import { ADMIN_SUB, adminClaims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { conditionalCheckFailed, ORDER_ID, orderItem, TASK_TOKEN } from '../../helpers/orders';

const CLAIM = { ConditionExpression: '#status = :pending AND attribute_exists(taskToken)' };
const RESTORE = { ConditionExpression: '#status = :pending AND attribute_not_exists(taskToken)' };

const decide = (body: unknown, { orderId = ORDER_ID, claims = adminClaims } = {}) =>
  makeEvent({ routeKey: 'POST /admin/orders/{orderId}/decision', pathParameters: { orderId }, claims, body });

const sfnError = { message: 'fake', $metadata: {} };

describe('Function: DecideOrder', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const sfnMock = mockClient(SFNClient);

  beforeEach(() => {
    ddbMock.reset();
    sfnMock.reset();
    ddbMock.on(UpdateCommand, CLAIM).resolves({ Attributes: orderItem() });
    ddbMock.on(UpdateCommand, RESTORE).resolves({});
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
  });

  it('claims the task token with a conditional update before resuming', async () => {
    // Act
    await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' },
      UpdateExpression: 'SET decidedBy = :by REMOVE taskToken',
      ConditionExpression: '#status = :pending AND attribute_exists(taskToken)',
      ExpressionAttributeValues: { ':by': ADMIN_SUB, ':pending': 'PENDING_EDITOR_CONFIRMATION' },
      ReturnValues: 'ALL_OLD',
    });
    expect(ddbMock.commandCalls(UpdateCommand)[0].calledBefore(sfnMock.call(0))).toBe(true);
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

  it('answers 400 to a rejection without a reason and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'reject' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: expect.stringMatching(/^reason: /) });
    expect(ddbMock).not.toHaveReceivedAnyCommand();
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 to an order ID that is not a UUID and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { orderId: 'ORDER#1' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(ddbMock).not.toHaveReceivedAnyCommand();
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to a customer and claims nothing', async () => {
    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }, { claims: customerClaims }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(ddbMock).not.toHaveReceivedAnyCommand();
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 without resuming when the token was already claimed', async () => {
    // Prepare
    ddbMock.on(UpdateCommand, CLAIM).rejects(conditionalCheckFailed());

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ message: 'This order is not waiting for confirmation any more.' });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    { name: 'TaskTimedOut', error: () => new TaskTimedOut(sfnError) },
    { name: 'TaskDoesNotExist', error: () => new TaskDoesNotExist(sfnError) },
    { name: 'InvalidToken', error: () => new InvalidToken(sfnError) },
  ])('answers 409 and keeps the token claimed when Step Functions says $name', async ({ error }) => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).rejects(error());

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ message: 'This order stopped waiting for confirmation (it may have expired).' });
    expect(ddbMock).not.toHaveReceivedCommandWith(UpdateCommand, RESTORE);
  });

  it('answers 503 and puts the token back when Step Functions fails otherwise', async () => {
    // Prepare
    sfnMock.on(SendTaskFailureCommand).rejects(new Error('ThrottlingException'));

    // Act
    const response = await invoke(handler, decide({ decision: 'reject', reason: 'Photos are too blurry' }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toEqual({ message: 'The decision could not be recorded. Please try again.' });
    expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(ddbMock).toHaveReceivedNthSpecificCommandWith(2, UpdateCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' },
      UpdateExpression: 'SET taskToken = :token REMOVE decidedBy',
      ConditionExpression: '#status = :pending AND attribute_not_exists(taskToken)',
      ExpressionAttributeValues: { ':token': TASK_TOKEN, ':pending': 'PENDING_EDITOR_CONFIRMATION' },
    });
  });

  it('still answers 503 when putting the token back fails too', async () => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).rejects(new Error('ThrottlingException'));
    ddbMock.on(UpdateCommand, RESTORE).rejects(new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, decide({ decision: 'confirm' }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, RESTORE);
  });
});
