import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, type CompleteOrderInput } from '../../../../functions/pipeline/complete-order';
import { OrderConflictError } from '../../../../functions/lib/order-store';
import { TEST_ENV } from '../../helpers/env';
import { ADMIN_SUB, invokeTask } from '../../helpers/events';
import { conditionalCheckFailed, ORDER_ID, orderItem, PLANS } from '../../helpers/orders';

const input: CompleteOrderInput = {
  orderId: ORDER_ID,
  decision: { decision: 'confirm', decidedBy: ADMIN_SUB },
  plans: PLANS,
};

describe('Function: CompleteOrder', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const s3Mock = mockClient(S3Client);

  beforeEach(() => {
    ddbMock.reset();
    s3Mock.reset();
    ddbMock.on(UpdateCommand).resolves({});
    s3Mock.on(PutObjectCommand).resolves({});
  });

  it('returns the confirmed status and where the summary is', async () => {
    // Act
    const output = await invokeTask(handler, input);

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID, status: 'CONFIRMED', summaryKey: `orders/${ORDER_ID}/summary.json` });
  });

  it('writes the summary to the outputs bucket', async () => {
    // Act
    await invokeTask(handler, input);

    // Assess
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: TEST_ENV.OUTPUTS_BUCKET,
      Key: `orders/${ORDER_ID}/summary.json`,
      ContentType: 'application/json',
    });
    const body = s3Mock.commandCalls(PutObjectCommand)[0].args[0].input.Body as string;
    expect(JSON.parse(body)).toEqual({ orderId: ORDER_ID, confirmedBy: ADMIN_SUB, images: 12, plans: PLANS });
  });

  it('moves the order from PENDING_EDITOR_CONFIRMATION to CONFIRMED with a timeline note', async () => {
    // Act
    await invokeTask(handler, input);

    // Assess
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' },
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:from0)',
      ExpressionAttributeValues: expect.objectContaining({
        ':from0': 'PENDING_EDITOR_CONFIRMATION',
        ':to': 'CONFIRMED',
        ':gsi2pk': 'STATUS#CONFIRMED',
        ':entry': [{ status: 'CONFIRMED', at: expect.any(String), detail: '12 images planned across 2 styles' }],
      }),
    });
  });

  it('succeeds on a retry that finds the order already CONFIRMED', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddbMock.on(GetCommand).resolves({ Item: orderItem({ status: 'CONFIRMED', taskToken: undefined }) });

    // Act
    const output = await invokeTask(handler, input);

    // Assess
    expect(output.status).toBe('CONFIRMED');
    expect(ddbMock).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' } });
  });

  it('fails when the order has ended in another way', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddbMock.on(GetCommand).resolves({ Item: orderItem({ status: 'EXPIRED', taskToken: undefined }) });

    // Act & Assess
    await expect(invokeTask(handler, input)).rejects.toBeInstanceOf(OrderConflictError);
  });

  it('fails on a DynamoDB error even if the order looks confirmed', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(new Error('InternalServerError'));
    ddbMock.on(GetCommand).resolves({ Item: orderItem({ status: 'CONFIRMED' }) });

    // Act & Assess
    await expect(invokeTask(handler, input)).rejects.toThrow('InternalServerError');
  });

  it('does not confirm the order when the summary cannot be written', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));

    // Act & Assess
    await expect(invokeTask(handler, input)).rejects.toThrow('SlowDown');
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });
});
