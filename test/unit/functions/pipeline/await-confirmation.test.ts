import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/pipeline/await-confirmation';
import { OrderConflictError } from '../../../../functions/lib/order-store';
import { TEST_ENV } from '../../helpers/env';
import { invokeTask } from '../../helpers/events';
import { conditionalCheckFailed, ORDER_ID, TASK_TOKEN } from '../../helpers/orders';

describe('Function: AwaitConfirmation', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(UpdateCommand).resolves({});
  });

  it('returns the order ID', async () => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID });
  });

  it('stores the token and moves a submitted or waiting order to PENDING_EDITOR_CONFIRMATION', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' },
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:from0, :from1)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':from0': 'SUBMITTED',
        ':from1': 'PENDING_EDITOR_CONFIRMATION',
        ':to': 'PENDING_EDITOR_CONFIRMATION',
        ':gsi2pk': 'STATUS#PENDING_EDITOR_CONFIRMATION',
        ':token': TASK_TOKEN,
        ':at': expect.any(String),
        ':entry': [{ status: 'PENDING_EDITOR_CONFIRMATION', at: expect.any(String) }],
      },
    });
  });

  it('sets the token rather than removing it', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    const { UpdateExpression } = ddbMock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(UpdateExpression).toContain('taskToken = :token');
    expect(UpdateExpression).not.toContain('REMOVE');
  });

  it('fails without touching the order when called without a task token', async () => {
    // Act & Assess
    await expect(invokeTask(handler, { orderId: ORDER_ID, taskToken: '' })).rejects.toThrow(
      'ConfirmationGate was called without a task token',
    );
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });

  it('fails with OrderConflictError when the order has already ended', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act & Assess
    await expect(invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN })).rejects.toBeInstanceOf(
      OrderConflictError,
    );
  });
});
