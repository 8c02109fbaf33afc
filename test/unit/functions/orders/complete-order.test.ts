import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { type CompleteOrderInput, completeOrderHandler } from '#functions/orders/complete-order.handler';
import { OrderConflictError } from '#functions/orders/order-store';
import { TEST_ENV } from '../../helpers/env';
import { ADMIN_SUB, CUSTOMER_SUB, invokeTask } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ORDER_ID, orderRecord, PLANS } from '../../helpers/orders';

const input: CompleteOrderInput = {
  orderId: ORDER_ID,
  decision: { decision: 'confirm', decidedBy: ADMIN_SUB },
  plans: PLANS,
};

describe('Function: CompleteOrder', () => {
  const s3Mock = mockClient(S3Client);
  const sfnMock = mockClient(SFNClient);
  const PIPELINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:GenerationPipeline';
  let store: FakeOrderStore;
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof completeOrderHandler>;

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    sfnMock.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${PIPELINE}:x`, startDate: new Date() });
    // DecideOrder claimed the token before resuming the execution.
    store = new FakeOrderStore().seed(orderRecord({ taskToken: undefined, decidedBy: ADMIN_SUB }));
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 40);
    handler = completeOrderHandler({ orders: store, s3: new S3Client({}), outputsBucket: TEST_ENV.OUTPUTS_BUCKET, ledger, sfn: new SFNClient({}), generationPipeline: PIPELINE });
  });

  describe('the credits the order held', () => {
    beforeEach(async () => {
      await ledger.reserve(CUSTOMER_SUB, ORDER_ID, 28);
    });

    it('are spent: the hold is consumed and the balance stays as the hold left it', async () => {
      await invokeTask(handler, input);
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 12, reserved: 0 });
      expect(await ledger.reservation(CUSTOMER_SUB, ORDER_ID)).toMatchObject({ status: 'CONSUMED' });
    });

    it('are spent once when the task is retried', async () => {
      await invokeTask(handler, input);
      await invokeTask(handler, input);
      const { entries } = await ledger.entries(CUSTOMER_SUB, { limit: 10 });
      expect(entries.filter((e) => e.type === 'consume')).toHaveLength(1);
    });

    it('are not spent when the order cannot be confirmed, so a retry spends them then', async () => {
      store.failNext('get', new Error('Throttled'));
      await expect(invokeTask(handler, input)).rejects.toThrow('Throttled');
      expect(await ledger.reservation(CUSTOMER_SUB, ORDER_ID)).toMatchObject({ status: 'HELD' });
    });
  });

  describe('production', () => {
    it('starts once per order: the generation pipeline, named after the order, with the order ID', async () => {
      await invokeTask(handler, input);
      expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: PIPELINE, name: `${ORDER_ID}-production`, input: JSON.stringify({ orderId: ORDER_ID }) });
    });

    it('is not an error when a retried step finds the execution started already', async () => {
      sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
      await expect(invokeTask(handler, input)).resolves.toMatchObject({ status: 'CONFIRMED' });
    });

    it('fails the step when Step Functions refuses for another reason, so the state machine retries it', async () => {
      sfnMock.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));
      await expect(invokeTask(handler, input)).rejects.toThrow('Rate exceeded');
    });
  });

  it('confirms an order that held no credits (placed before orders paid)', async () => {
    await expect(invokeTask(handler, input)).resolves.toMatchObject({ status: 'CONFIRMED' });
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
    expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
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
    const stored = store.peek(ORDER_ID)!;
    expect(stored.status).toBe('CONFIRMED');
    expect(stored.timeline.at(-1)).toEqual({ status: 'CONFIRMED', at: expect.any(String), detail: '12 images planned across 2 styles' });
  });

  it('succeeds on a retry that finds the order already CONFIRMED', async () => {
    // Prepare
    await invokeTask(handler, input);

    // Act
    const output = await invokeTask(handler, input);

    // Assess
    expect(output.status).toBe('CONFIRMED');
    expect(store.peek(ORDER_ID)!.timeline.filter((entry) => entry.status === 'CONFIRMED')).toHaveLength(1);
  });

  it('fails with OrderConflictError when the order has ended in another way', async () => {
    // Prepare
    store.seed(orderRecord({ status: 'EXPIRED', taskToken: undefined }));

    // Act
    const completing = invokeTask(handler, input);

    // Assess
    await expect(completing).rejects.toBeInstanceOf(OrderConflictError);
    expect(store.peek(ORDER_ID)!.status).toBe('EXPIRED');
  });

  it('fails on a store error even if the order looks confirmed', async () => {
    // Prepare
    store.seed(orderRecord({ status: 'CONFIRMED', taskToken: undefined }));
    store.failNext('transition', new Error('InternalServerError'));

    // Act
    const completing = invokeTask(handler, input);

    // Assess
    await expect(completing).rejects.toThrow('InternalServerError');
  });

  it('does not confirm the order when the summary cannot be written', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));

    // Act
    const completing = invokeTask(handler, input);

    // Assess
    await expect(completing).rejects.toThrow('SlowDown');
    expect(store.calls).toEqual([]);
    expect(store.peek(ORDER_ID)!.status).toBe('PENDING_EDITOR_CONFIRMATION');
  });
});
