import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/api/get-order';
import { TEST_ENV } from '../../helpers/env';
import { adminClaims, type Claims, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import type { OrderView } from '../../../../shared/orders';
import { EXECUTION_ARN, ORDER_ID, orderItem, PLAN_ITEMS, PLANS } from '../../helpers/orders';

const getOrder = (orderId: string, claims?: Claims) =>
  makeEvent({ routeKey: 'GET /orders/{orderId}', pathParameters: { orderId }, claims });

describe('Function: GetOrder', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const sfnMock = mockClient(SFNClient);

  beforeEach(() => {
    ddbMock.reset();
    sfnMock.reset();
    ddbMock.on(GetCommand).resolves({ Item: orderItem() });
    ddbMock.on(QueryCommand).resolves({ Items: PLAN_ITEMS });
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: TEST_ENV.ORDER_PIPELINE_ARN,
      status: 'RUNNING',
      startDate: new Date('2030-01-01T00:00:01.000Z'),
      input: '{}',
    });
  });

  it('answers 400 when the order ID is not a UUID, without reading the table', async () => {
    // Act
    const response = await invoke(handler, getOrder('not-a-uuid'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ message: 'The order ID in the path is not a valid order ID.' });
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });

  it('reads the order by its key', async () => {
    // Act
    await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(ddbMock).toHaveReceivedCommandWith(GetCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Key: { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' },
    });
  });

  it('answers 404 when the order does not exist', async () => {
    // Prepare
    ddbMock.on(GetCommand).resolves({});

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'No such order.' });
  });

  it("answers 404, not 403, for another customer's order and reveals nothing about it", async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, { sub: OTHER_CUSTOMER_SUB, email: 'eve@example.com' }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'No such order.' });
    expect(ddbMock).not.toHaveReceivedCommand(QueryCommand);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('lets an admin read any order', async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, adminClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ orderId: ORDER_ID, status: 'PENDING_EDITOR_CONFIRMATION' });
  });

  it("answers the owner with the order, its plans and the execution's status", async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      orderId: ORDER_ID,
      status: 'PENDING_EDITOR_CONFIRMATION',
      plans: PLANS,
      execution: { status: 'RUNNING', startedAt: '2030-01-01T00:00:01.000Z' },
    });
  });

  it('queries the plans under the order partition', async () => {
    // Act
    await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :plan)',
      ExpressionAttributeValues: { ':pk': `ORDER#${ORDER_ID}`, ':plan': 'PLAN#' },
    });
  });

  it('describes the execution recorded on the order', async () => {
    // Act
    await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
  });

  it('reports when a finished execution stopped', async () => {
    // Prepare
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: TEST_ENV.ORDER_PIPELINE_ARN,
      status: 'FAILED',
      startDate: new Date('2030-01-01T00:00:01.000Z'),
      stopDate: new Date('2030-01-08T00:00:01.000Z'),
    });

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.body.execution).toEqual({
      status: 'FAILED',
      startedAt: '2030-01-01T00:00:01.000Z',
      stoppedAt: '2030-01-08T00:00:01.000Z',
    });
  });

  it('reads the order again when its execution ended after the first read', async () => {
    // Prepare: the first read still sees the gate; by the time the execution is described it has failed.
    ddbMock
      .on(GetCommand)
      .resolvesOnce({ Item: orderItem({ status: 'PENDING_EDITOR_CONFIRMATION' }) })
      .resolves({ Item: orderItem({ status: 'REJECTED', failureReason: 'Too dark' }) });
    sfnMock.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, stateMachineArn: TEST_ENV.ORDER_PIPELINE_ARN, status: 'FAILED', startDate: new Date() });

    // Act
    const response = await invoke<OrderView>(handler, getOrder(ORDER_ID));

    // Assess
    expect(ddbMock).toHaveReceivedCommandTimes(GetCommand, 2);
    expect(response.body).toMatchObject({ status: 'REJECTED', failureReason: 'Too dark', execution: { status: 'FAILED' } });
  });

  it('reads the order once while its execution is still running', async () => {
    // Act
    await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(ddbMock).toHaveReceivedCommandTimes(GetCommand, 1);
  });

  it('skips the execution status when the order has no execution yet', async () => {
    // Prepare
    ddbMock.on(GetCommand).resolves({ Item: orderItem({ status: 'SUBMITTED', executionArn: undefined, taskToken: undefined }) });

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
    expect(response.body).not.toHaveProperty('execution');
  });

  it.each(['taskToken', 'executionArn', 'decidedBy', 'pk', 'sk', 'gsi1pk', 'gsi2pk'])(
    'never answers with %s',
    async (attribute) => {
      // Prepare
      ddbMock.on(GetCommand).resolves({ Item: orderItem({ decidedBy: 'someone' }) });

      // Act
      const response = await invoke(handler, getOrder(ORDER_ID, adminClaims));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toHaveProperty(attribute);
    },
  );
});
