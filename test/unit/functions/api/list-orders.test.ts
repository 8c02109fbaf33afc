import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/api/list-orders';
import type { OrderView } from '../../../../shared/orders';
import { TEST_ENV } from '../../helpers/env';
import { CUSTOMER_SUB, invoke, makeEvent } from '../../helpers/events';
import { ORDER_ID, orderItem } from '../../helpers/orders';

describe('Function: ListOrders', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(QueryCommand).resolves({ Items: [orderItem()] });
  });

  it("queries gsi1 for the caller's own orders, newest first", async () => {
    // Act
    await invoke(handler, makeEvent({ routeKey: 'GET /orders' }));

    // Assess
    expect(ddbMock).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :key',
      ExpressionAttributeValues: { ':key': `CUSTOMER#${CUSTOMER_SUB}` },
      ScanIndexForward: false,
    });
  });

  it('answers 200 with the orders as views, without backend attributes', async () => {
    // Act
    const response = await invoke<{ orders: OrderView[] }>(handler, makeEvent({ routeKey: 'GET /orders' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.orders).toHaveLength(1);
    expect(response.body.orders[0]).toMatchObject({ orderId: ORDER_ID, customerId: CUSTOMER_SUB });
    expect(Object.keys(response.body.orders[0])).toEqual(
      expect.not.arrayContaining(['taskToken', 'executionArn', 'pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']),
    );
  });

  it('answers an empty list when the customer has no orders', async () => {
    // Prepare
    ddbMock.on(QueryCommand).resolves({});

    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /orders' }));

    // Assess
    expect(response.body).toEqual({ orders: [] });
  });
});
