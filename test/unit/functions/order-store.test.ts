import 'aws-sdk-client-mock-jest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { OrderConflictError, OrderStore, toView } from '../../../functions/lib/order-store';
import { CUSTOMER_SUB } from '../helpers/events';
import { conditionalCheckFailed, ORDER_ID, orderItem, TASK_TOKEN } from '../helpers/orders';

const TABLE = 'orders-table';
const NOW = '2030-01-02T03:04:05.000Z';
const KEY = { pk: `ORDER#${ORDER_ID}`, sk: 'ORDER' };

describe('Class: OrderStore', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const store = new OrderStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);

  beforeAll(() => {
    jest.useFakeTimers({ now: new Date(NOW) });
  });

  afterAll(() => {
    jest.useRealTimers();
  });

  beforeEach(() => {
    ddbMock.reset();
  });

  describe('Method: create', () => {
    it('puts a SUBMITTED order only if the key is free, with both index keys', async () => {
      // Prepare
      ddbMock.on(PutCommand).resolves({});

      // Act
      const record = await store.create({ orderId: ORDER_ID, customerId: CUSTOMER_SUB, styles: ['warm-office'], createdAt: NOW });

      // Assess
      expect(record).toEqual({
        orderId: ORDER_ID,
        customerId: CUSTOMER_SUB,
        styles: ['warm-office'],
        createdAt: NOW,
        updatedAt: NOW,
        status: 'SUBMITTED',
        timeline: [{ status: 'SUBMITTED', at: NOW }],
      });
      expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
        TableName: TABLE,
        ConditionExpression: 'attribute_not_exists(pk)',
        Item: {
          ...KEY,
          ...record,
          gsi1pk: `CUSTOMER#${CUSTOMER_SUB}`,
          gsi1sk: `${NOW}#${ORDER_ID}`,
          gsi2pk: 'STATUS#SUBMITTED',
          gsi2sk: `${NOW}#${ORDER_ID}`,
        },
      });
    });
  });

  describe('Method: get', () => {
    it('returns the order without its table keys', async () => {
      // Prepare
      ddbMock.on(GetCommand, { TableName: TABLE, Key: KEY }).resolves({ Item: orderItem() });

      // Act
      const record = await store.get(ORDER_ID);

      // Assess
      expect(record).toMatchObject({ orderId: ORDER_ID, taskToken: TASK_TOKEN });
      expect(Object.keys(record!)).toEqual(expect.not.arrayContaining(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']));
    });

    it('returns undefined when there is no such order', async () => {
      // Prepare
      ddbMock.on(GetCommand).resolves({});

      // Act
      const record = await store.get(ORDER_ID);

      // Assess
      expect(record).toBeUndefined();
    });
  });

  describe('Method: listByStatus', () => {
    it('queries gsi2 for the status, newest first, one page of 50', async () => {
      // Prepare
      ddbMock.on(QueryCommand).resolves({ Items: [orderItem()] });

      // Act
      const records = await store.listByStatus('PENDING_EDITOR_CONFIRMATION');

      // Assess
      expect(records).toHaveLength(1);
      expect(ddbMock).toHaveReceivedCommandWith(QueryCommand, {
        TableName: TABLE,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :key',
        ExpressionAttributeValues: { ':key': 'STATUS#PENDING_EDITOR_CONFIRMATION' },
        ScanIndexForward: false,
        Limit: 50,
      });
    });
  });

  describe('Method: transition', () => {
    it('builds a conditional update that moves the status, its index key and the timeline', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      await store.transition(ORDER_ID, ['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION'], 'FAILED', {
        failureReason: 'broken',
        detail: 'it broke',
      });

      // Assess
      expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: KEY,
        UpdateExpression:
          'SET #status = :to, gsi2pk = :gsi2pk, updatedAt = :at, timeline = list_append(timeline, :entry), failureReason = :reason REMOVE taskToken',
        ConditionExpression: 'attribute_exists(pk) AND #status IN (:from0, :from1)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': 'FAILED',
          ':gsi2pk': 'STATUS#FAILED',
          ':at': NOW,
          ':entry': [{ status: 'FAILED', at: NOW, detail: 'it broke' }],
          ':reason': 'broken',
          ':from0': 'SUBMITTED',
          ':from1': 'PENDING_EDITOR_CONFIRMATION',
        },
      });
    });

    it('stores a task token instead of removing it when given one', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({});

      // Act
      await store.transition(ORDER_ID, ['SUBMITTED'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: TASK_TOKEN });

      // Assess
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        UpdateExpression:
          'SET #status = :to, gsi2pk = :gsi2pk, updatedAt = :at, timeline = list_append(timeline, :entry), taskToken = :token',
        ExpressionAttributeValues: expect.objectContaining({
          ':token': TASK_TOKEN,
          ':entry': [{ status: 'PENDING_EDITOR_CONFIRMATION', at: NOW }],
        }),
      });
    });

    it('raises OrderConflictError when the order is not in an allowed status', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionalCheckFailed());

      // Act & Assess
      await expect(store.transition(ORDER_ID, ['PENDING_EDITOR_CONFIRMATION'], 'CONFIRMED')).rejects.toThrow(
        new OrderConflictError(`Order ${ORDER_ID} is not in PENDING_EDITOR_CONFIRMATION; cannot move it to CONFIRMED.`),
      );
    });

    it('lets any other error through unchanged', async () => {
      // Prepare
      const error = new Error('ProvisionedThroughputExceededException');
      ddbMock.on(UpdateCommand).rejects(error);

      // Act & Assess
      await expect(store.transition(ORDER_ID, ['SUBMITTED'], 'FAILED')).rejects.toBe(error);
    });
  });

  describe('Method: claimTaskToken', () => {
    it('takes the token of a waiting order atomically and records who decided', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).resolves({ Attributes: orderItem() });

      // Act
      const token = await store.claimTaskToken(ORDER_ID, 'admin-1');

      // Assess
      expect(token).toBe(TASK_TOKEN);
      expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
        Key: KEY,
        UpdateExpression: 'SET decidedBy = :by REMOVE taskToken',
        ConditionExpression: '#status = :pending AND attribute_exists(taskToken)',
        ReturnValues: 'ALL_OLD',
      });
    });

    it('raises OrderConflictError when the token is gone', async () => {
      // Prepare
      ddbMock.on(UpdateCommand).rejects(conditionalCheckFailed());

      // Act & Assess
      await expect(store.claimTaskToken(ORDER_ID, 'admin-1')).rejects.toBeInstanceOf(OrderConflictError);
    });
  });

  describe('Function: toView', () => {
    it('drops the backend-only attributes', () => {
      // Prepare
      const record = { ...orderItem({ decidedBy: 'admin-1' }) };

      // Act
      const view = toView(record as never);

      // Assess
      expect(view).not.toHaveProperty('taskToken');
      expect(view).not.toHaveProperty('executionArn');
      expect(view).not.toHaveProperty('decidedBy');
      expect(view).toMatchObject({ orderId: ORDER_ID, status: 'PENDING_EDITOR_CONFIRMATION' });
    });
  });
});
