import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/api/list-order-queue';
import { ORDER_STATUSES, type OrderView } from '../../../../shared/orders';
import { TEST_ENV } from '../../helpers/env';
import { adminClaims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { ORDER_ID, orderItem } from '../../helpers/orders';

const queue = (queryStringParameters?: Record<string, string>, claims = adminClaims) =>
  makeEvent({ routeKey: 'GET /admin/orders', claims, queryStringParameters });

describe('Function: ListOrderQueue', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(QueryCommand).resolves({ Items: [orderItem()] });
  });

  it('lists orders waiting for confirmation when no status is asked for', async () => {
    // Act
    const response = await invoke(handler, queue());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('PENDING_EDITOR_CONFIRMATION');
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :key',
      ExpressionAttributeValues: { ':key': 'STATUS#PENDING_EDITOR_CONFIRMATION' },
      ScanIndexForward: false,
    });
  });

  it('queries gsi2 for the status asked for', async () => {
    // Act
    const response = await invoke(handler, queue({ status: 'FAILED' }));

    // Assess
    expect(response.body.status).toBe('FAILED');
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi2',
      ExpressionAttributeValues: { ':key': 'STATUS#FAILED' },
    });
  });

  it('answers 400 naming the allowed values for an unknown status, without querying', async () => {
    // Act
    const response = await invoke(handler, queue({ status: 'DONE' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: `status must be one of: ${ORDER_STATUSES.join(', ')}` });
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });

  it('answers the orders as views, without the task token', async () => {
    // Act
    const response = await invoke<{ orders: OrderView[] }>(handler, queue());

    // Assess
    expect(response.body.orders).toEqual([expect.objectContaining({ orderId: ORDER_ID })]);
    expect(response.body.orders[0]).not.toHaveProperty('taskToken');
    expect(response.body.orders[0]).not.toHaveProperty('executionArn');
  });

  it('answers 403 to a customer without querying', async () => {
    // Act
    const response = await invoke(handler, queue(undefined, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });
});
