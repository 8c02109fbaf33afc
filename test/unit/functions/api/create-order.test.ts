import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/api/create-order';
import type { OrderView } from '../../../../shared/orders';
import { TEST_ENV } from '../../helpers/env';
import { CUSTOMER_SUB, type EventOptions, invoke, makeEvent } from '../../helpers/events';
import { EXECUTION_ARN } from '../../helpers/orders';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const order = (body: unknown, extra: EventOptions = {}) =>
  makeEvent({ routeKey: 'POST /orders', body, ...extra });

describe('Function: CreateOrder', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const s3Mock = mockClient(S3Client);
  const sfnMock = mockClient(SFNClient);

  beforeEach(() => {
    ddbMock.reset();
    s3Mock.reset();
    sfnMock.reset();
    ddbMock.on(PutCommand).resolves({});
    ddbMock.on(UpdateCommand).resolves({});
    s3Mock.on(PutObjectCommand).resolves({});
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
  });

  it('answers 201 with the new order as a submitted view', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['corporate-grey', 'warm-office'], note: 'glasses on' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({
      orderId: expect.stringMatching(UUID),
      customerId: CUSTOMER_SUB,
      customerEmail: 'ada@example.com',
      status: 'SUBMITTED',
      styles: ['corporate-grey', 'warm-office'],
      note: 'glasses on',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      timeline: [{ status: 'SUBMITTED', at: expect.any(String) }],
    });
  });

  it('never answers with the task token or the execution ARN', async () => {
    // Act
    const response = await invoke(handler, order({ styles: ['corporate-grey'] }));

    // Assess
    expect(response.body).not.toHaveProperty('taskToken');
    expect(response.body).not.toHaveProperty('executionArn');
  });

  it('stores the request manifest at orders/<id>/request.json in the uploads bucket', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'] }));

    // Assess
    const { orderId, createdAt } = response.body;
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: TEST_ENV.UPLOADS_BUCKET,
      Key: `orders/${orderId}/request.json`,
      ContentType: 'application/json',
    });
    const body = s3Mock.commandCalls(PutObjectCommand)[0].args[0].input.Body as string;
    expect(JSON.parse(body)).toEqual({ orderId, customerId: CUSTOMER_SUB, createdAt, styles: ['studio-black'] });
  });

  it('puts the order only if it does not exist yet, indexed by customer and status', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'] }));

    // Assess
    const { orderId, createdAt } = response.body;
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: `ORDER#${orderId}`,
        sk: 'ORDER',
        status: 'SUBMITTED',
        customerId: CUSTOMER_SUB,
        gsi1pk: `CUSTOMER#${CUSTOMER_SUB}`,
        gsi1sk: `${createdAt}#${orderId}`,
        gsi2pk: 'STATUS#SUBMITTED',
        gsi2sk: `${createdAt}#${orderId}`,
      }),
    });
  });

  it('starts the pipeline named after the order with the order ID and styles as input', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black', 'outdoor-natural'], note: 'hi' }));

    // Assess
    const { orderId } = response.body;
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const input = sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input;
    expect(input.stateMachineArn).toBe(TEST_ENV.ORDER_PIPELINE_ARN);
    expect(input.name).toBe(orderId);
    expect(JSON.parse(input.input!)).toEqual({ orderId, styles: ['studio-black', 'outdoor-natural'] });
  });

  it('records the execution ARN on the order', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TEST_ENV.TABLE_NAME,
      Key: { pk: `ORDER#${response.body.orderId}`, sk: 'ORDER' },
      UpdateExpression: 'SET executionArn = :arn',
      ExpressionAttributeValues: { ':arn': EXECUTION_ARN },
    });
  });

  it('writes the manifest and the order before it starts the pipeline', async () => {
    // Act
    await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    const start = sfnMock.commandCalls(StartExecutionCommand)[0];
    expect(s3Mock.commandCalls(PutObjectCommand)[0].calledBefore(start)).toBe(true);
    expect(ddbMock.commandCalls(PutCommand)[0].calledBefore(start)).toBe(true);
  });

  it.each([
    { case: 'an unknown style', extra: { body: { styles: ['neon-disco'] } }, statusCode: 400 },
    { case: 'no styles', extra: { body: { styles: [] } }, statusCode: 400 },
    { case: 'an unknown field', extra: { body: { styles: ['studio-black'], price: 0 } }, statusCode: 400 },
    { case: 'invalid JSON', extra: { body: '{"styles": [' }, statusCode: 400 },
    { case: 'no body', extra: { body: undefined, headers: { 'content-type': 'application/json' } }, statusCode: 400 },
    { case: 'a form body', extra: { body: 'styles=studio-black', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, statusCode: 415 },
  ])('answers $statusCode for $case and touches nothing', async ({ extra, statusCode }) => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', ...extra });

    // Act
    const response = await invoke(handler, event);

    // Assess
    expect(response.statusCode).toBe(statusCode);
    expect(response.body).toEqual({ message: expect.any(String) });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
    expect(ddbMock).not.toHaveReceivedAnyCommand();
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('tells the caller which style is unknown', async () => {
    // Act
    const response = await invoke(handler, order({ styles: ['neon-disco'] }));

    // Assess
    expect(response.body).toEqual({ message: expect.stringContaining('Unknown style "neon-disco"') });
  });

  it('accepts a base64-encoded body', async () => {
    // Prepare
    const event = order(Buffer.from(JSON.stringify({ styles: ['warm-office'] })).toString('base64'), {
      headers: { 'content-type': 'application/json' },
      isBase64Encoded: true,
    });

    // Act
    const response = await invoke<OrderView>(handler, event);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body.styles).toEqual(['warm-office']);
  });

  it('answers 201 and leaves the order open when only recording the execution ARN fails', async () => {
    // Prepare: the execution is already running, so the order must not be marked failed.
    ddbMock.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddbMock).not.toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':to': 'FAILED' }),
    });
  });

  it('answers 503 when the pipeline cannot be started', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toEqual({
      message: 'The order could not be started. Nothing was charged; please try again in a minute.',
    });
  });

  it('moves the order from SUBMITTED to FAILED when the pipeline cannot be started', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    const orderId = (ddbMock.commandCalls(PutCommand)[0].args[0].input.Item as { orderId: string }).orderId;
    expect(ddbMock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' },
      ConditionExpression: 'attribute_exists(pk) AND #status IN (:from0)',
      ExpressionAttributeValues: expect.objectContaining({
        ':from0': 'SUBMITTED',
        ':to': 'FAILED',
        ':gsi2pk': 'STATUS#FAILED',
        ':reason': 'The order could not be started. Nothing was charged; please try again.',
      }),
    });
  });

  it('answers 500 without starting the pipeline when the order cannot be stored', async () => {
    // Prepare
    ddbMock.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });
});
