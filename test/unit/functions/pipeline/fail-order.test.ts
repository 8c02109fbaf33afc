import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/pipeline/fail-order';
import { TEST_ENV } from '../../helpers/env';
import { invokeTask } from '../../helpers/events';
import { ORDER_ID, orderItem } from '../../helpers/orders';

describe('Function: FailOrder', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({ Item: orderItem() });
    ddbMock.on(UpdateCommand).resolves({});
  });

  it('moves a rejected order to REJECTED with the reason the admin gave', async () => {
    // Act
    const output = await invokeTask(handler, {
      orderId: ORDER_ID,
      error: { Error: 'OrderRejected', Cause: 'Photos are too blurry' },
    });

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID, status: 'REJECTED' });
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' },
      ExpressionAttributeValues: expect.objectContaining({
        ':to': 'REJECTED',
        ':gsi2pk': 'STATUS#REJECTED',
        ':reason': 'Photos are too blurry',
        ':entry': [{ status: 'REJECTED', at: expect.any(String), detail: 'Photos are too blurry' }],
      }),
    });
  });

  it('moves an order whose gate timed out to EXPIRED', async () => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'ConfirmationExpired', Cause: '' } });

    // Assess
    expect(output.status).toBe('EXPIRED');
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'EXPIRED' }),
    });
  });

  it('moves an order that broke to FAILED', async () => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'Lambda.ServiceException', Cause: 'x' } });

    // Assess
    expect(output.status).toBe('FAILED');
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'FAILED' }),
    });
  });

  it('only moves an order that is still open, and forgets its task token', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } });

    // Assess
    const update = ddbMock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.ConditionExpression).toBe('attribute_exists(pk) AND #status IN (:from0, :from1)');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':from0': 'SUBMITTED', ':from1': 'PENDING_EDITOR_CONFIRMATION' });
    expect(update.UpdateExpression).toMatch(/ REMOVE taskToken$/);
  });

  it.each(['CONFIRMED', 'REJECTED', 'EXPIRED', 'FAILED'])('leaves a %s order as it is', async (status) => {
    // Prepare
    ddbMock.on(GetCommand).resolves({ Item: orderItem({ status, taskToken: undefined }) });

    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } });

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID, status });
    expect(ddbMock).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('fails when the order does not exist', async () => {
    // Prepare
    ddbMock.on(GetCommand).resolves({});

    // Act & Assess
    await expect(invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } })).rejects.toThrow(
      `Order ${ORDER_ID} does not exist`,
    );
    expect(ddbMock).not.toHaveReceivedCommand(UpdateCommand);
  });
});
