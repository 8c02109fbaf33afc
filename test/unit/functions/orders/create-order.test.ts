import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createOrderHandler } from '#functions/orders/create-order.handler';
import { MAX_OPEN_ORDERS, type OrderView } from '#shared/orders';
import { TEST_ENV } from '../../helpers/env';
import { accessTokenClaims, CUSTOMER_SUB, type EventOptions, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { EXECUTION_ARN, ordersOf } from '../../helpers/orders';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const order = (body: unknown, extra: EventOptions = {}) => makeEvent({ routeKey: 'POST /v1/orders', body, ...extra });

describe('Function: CreateOrder', () => {
  const s3Mock = mockClient(S3Client);
  const sfnMock = mockClient(SFNClient);
  let store: FakeOrderStore;
  let handler: ReturnType<typeof createOrderHandler>;

  beforeEach(() => {
    s3Mock.reset();
    sfnMock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    store = new FakeOrderStore();
    handler = createOrderHandler({
      orders: store,
      s3: new S3Client({}),
      sfn: new SFNClient({}),
      uploadsBucket: TEST_ENV.UPLOADS_BUCKET,
      pipelineArn: TEST_ENV.ORDER_PIPELINE_ARN,
    });
  });

  it('answers 201 with the new order as a submitted view', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['corporate-grey', 'warm-office'], note: 'glasses on' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({
      orderId: expect.stringMatching(UUID),
      customerId: CUSTOMER_SUB,
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

  it('stores the order as SUBMITTED for the caller, without an e-mail', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'], note: 'hi' }));

    // Assess
    const stored = store.peek(response.body.orderId);
    expect(stored).toMatchObject({ status: 'SUBMITTED', customerId: CUSTOMER_SUB, styles: ['studio-black'], note: 'hi' });
    expect(stored).not.toHaveProperty('customerEmail');
  });

  it('stores the note trimmed', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'], note: '  glasses on \n' }));

    // Assess
    expect(store.peek(response.body.orderId)?.note).toBe('glasses on');
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
    expect(store.peek(response.body.orderId)?.executionArn).toBe(EXECUTION_ARN);
  });

  it('writes the manifest before it stores the order', async () => {
    // Prepare
    let ordersWhenManifestWritten: number | undefined;
    s3Mock.on(PutObjectCommand).callsFake(() => {
      ordersWhenManifestWritten = store.all().length;
      return {};
    });

    // Act
    await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(ordersWhenManifestWritten).toBe(0);
    expect(store.all()).toHaveLength(1);
  });

  it('stores the order before it starts the pipeline', async () => {
    // Prepare
    let statusWhenStarted: string | undefined;
    sfnMock.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      statusWhenStarted = store.peek(input.name)?.status;
      return { executionArn: EXECUTION_ARN, startDate: new Date() };
    });

    // Act
    await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(statusWhenStarted).toBe('SUBMITTED');
  });

  it('serves a caller who sends an access token (no e-mail claim)', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'] }, { claims: accessTokenClaims }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(store.peek(response.body.orderId)).toMatchObject({ customerId: CUSTOMER_SUB });
  });

  it.each([
    { case: 'an unknown style', extra: { body: { styles: ['neon-disco'] } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'no styles', extra: { body: { styles: [] } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a style picked twice', extra: { body: { styles: ['studio-black', 'studio-black'] } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'an unknown field', extra: { body: { styles: ['studio-black'], price: 0 } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a note with a bell character', extra: { body: { styles: ['studio-black'], note: 'ring\u0007' } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a note with a right-to-left override', extra: { body: { styles: ['studio-black'], note: 'abc\u202Edef' } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'invalid JSON', extra: { body: '{"styles": [' }, statusCode: 400, code: 'INVALID_JSON' },
    { case: 'no body', extra: { body: undefined, headers: { 'content-type': 'application/json' } }, statusCode: 400, code: 'BODY_REQUIRED' },
    {
      case: 'a form body',
      extra: { body: 'styles=studio-black', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    { case: 'a query parameter', extra: { body: { styles: ['studio-black'] }, queryStringParameters: { dryRun: 'true' } }, statusCode: 400, code: 'UNKNOWN_PARAMETER' },
    { case: 'no claims', extra: { body: { styles: ['studio-black'] }, claims: null }, statusCode: 401, code: 'UNAUTHENTICATED' },
  ])('answers $statusCode $code for $case and touches nothing', async ({ extra, statusCode, code }) => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', ...extra });

    // Act
    const response = await invoke(handler, event);

    // Assess
    expect(response.statusCode).toBe(statusCode);
    expect(response.body).toEqual({ code, message: expect.any(String) });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
    expect(sfnMock).not.toHaveReceivedAnyCommand();
    expect(store.calls).toEqual([]);
  });

  it('tells the caller which style is unknown', async () => {
    // Act
    const response = await invoke(handler, order({ styles: ['neon-disco'] }));

    // Assess
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringContaining('Unknown style "neon-disco"') });
  });

  it('tells the caller the note has control characters', async () => {
    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'], note: 'ring\u0007' }));

    // Assess
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^note: .*control characters/) });
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
    store.failNext('setExecutionArn', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke<OrderView>(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(201);
    const stored = store.peek(response.body.orderId);
    expect(stored?.status).toBe('SUBMITTED');
    expect(stored).not.toHaveProperty('executionArn');
  });

  it('answers 409 TOO_MANY_OPEN_ORDERS, starting nothing, when the customer has as many orders in progress as allowed', async () => {
    // Prepare
    store.seed(...ordersOf(CUSTOMER_SUB, MAX_OPEN_ORDERS, { status: 'PENDING_EDITOR_CONFIRMATION' }));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'TOO_MANY_OPEN_ORDERS', message: expect.stringContaining(`${MAX_OPEN_ORDERS} orders in progress`) });
    expect(store.all()).toHaveLength(MAX_OPEN_ORDERS);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('lets a customer order again once one of their orders has ended', async () => {
    // Prepare
    store.seed(...ordersOf(CUSTOMER_SUB, MAX_OPEN_ORDERS - 1, { status: 'PENDING_EDITOR_CONFIRMATION' }), ...ordersOf(OTHER_CUSTOMER_SUB, 3, { status: 'REJECTED' }));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('answers 503 ORDER_NOT_STARTED when the pipeline cannot be started', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toEqual({
      code: 'ORDER_NOT_STARTED',
      message: 'The order could not be started. Nothing was charged; please try again in a minute.',
    });
  });

  it('moves the order from SUBMITTED to FAILED with a reason when the pipeline cannot be started', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    const [stored] = store.all();
    expect(stored).toMatchObject({ status: 'FAILED', failureReason: 'The order could not be started. Nothing was charged; please try again.' });
    expect(stored.timeline.map((entry) => entry.status)).toEqual(['SUBMITTED', 'FAILED']);
    expect(stored).not.toHaveProperty('executionArn');
  });

  it('answers 500 INTERNAL_ERROR without starting the pipeline when the order cannot be stored', async () => {
    // Prepare
    store.failNext('create', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 500 INTERNAL_ERROR and stores nothing when the manifest cannot be written', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));

    // Act
    const response = await invoke(handler, order({ styles: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(store.all()).toEqual([]);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });
});
