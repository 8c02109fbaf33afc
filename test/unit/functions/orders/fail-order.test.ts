import '../../helpers/env';
import { failOrderHandler } from '#functions/orders/fail-order.handler';
import { CUSTOMER_SUB, invokeTask } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';

describe('Function: FailOrder', () => {
  let store: FakeOrderStore;
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof failOrderHandler>;

  beforeEach(() => {
    store = new FakeOrderStore().seed(orderRecord());
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 40);
    handler = failOrderHandler({ orders: store, ledger });
  });

  describe('the credits the order held', () => {
    beforeEach(async () => {
      await ledger.reserve(CUSTOMER_SUB, ORDER_ID, 28);
    });

    it.each([['OrderRejected'], ['States.Timeout'], ['States.TaskFailed']])('go back to the balance when the order ends with %s', async (error) => {
      await invokeTask(handler, { orderId: ORDER_ID, error: { Error: error } });
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 40, reserved: 0 });
      expect(await ledger.reservation(CUSTOMER_SUB, ORDER_ID)).toMatchObject({ status: 'RELEASED' });
    });

    it('go back once when the task runs again after the order ended', async () => {
      await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'OrderRejected' } });
      await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'OrderRejected' } });
      const { entries } = await ledger.entries(CUSTOMER_SUB, { limit: 10 });
      expect(entries.filter((e) => e.type === 'release')).toHaveLength(1);
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 40, reserved: 0 });
    });

    it('are released even when ending the order fails first, and the retry ends it', async () => {
      store.failNext('transition', new Error('Throttled'));
      await expect(invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'OrderRejected' } })).rejects.toThrow('Throttled');
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 40, reserved: 0 });
      await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'OrderRejected' } });
      expect(store.peek(ORDER_ID)!.status).toBe('REJECTED');
    });
  });

  it('moves a rejected order to REJECTED with the reason the admin gave', async () => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'OrderRejected', Cause: 'Photos are too blurry' } });

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID, status: 'REJECTED' });
    const stored = store.peek(ORDER_ID)!;
    expect(stored).toMatchObject({ status: 'REJECTED', failureReason: 'Photos are too blurry' });
    expect(stored.timeline.at(-1)).toEqual({ status: 'REJECTED', at: expect.any(String), detail: 'Photos are too blurry' });
  });

  it('gives a rejection without a cause a reason the customer can read', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'OrderRejected' } });

    // Assess
    expect(store.peek(ORDER_ID)).toMatchObject({ status: 'REJECTED', failureReason: 'The studio could not accept this order.' });
  });

  it('moves an order whose gate timed out to EXPIRED', async () => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'ConfirmationExpired', Cause: '' } });

    // Assess
    expect(output.status).toBe('EXPIRED');
    expect(store.peek(ORDER_ID)).toMatchObject({
      status: 'EXPIRED',
      failureReason: 'Nobody confirmed the order in time; your credits were not charged.',
    });
  });

  it.each([
    { case: 'a Lambda error', error: { Error: 'Lambda.ServiceException', Cause: 'x' } },
    { case: "a step's own timeout", error: { Error: 'States.Timeout' } },
    { case: 'no error at all', error: undefined },
  ])('moves an order that broke with $case to FAILED', async ({ error }) => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error });

    // Assess
    expect(output.status).toBe('FAILED');
    expect(store.peek(ORDER_ID)).toMatchObject({
      status: 'FAILED',
      failureReason: 'Something went wrong while preparing your order. Our team has been alerted.',
    });
  });

  it('forgets the task token of an order that waited at the gate', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } });

    // Assess
    expect(store.peek(ORDER_ID)).not.toHaveProperty('taskToken');
  });

  it('ends an order that never reached the gate', async () => {
    // Prepare
    store.seed(orderRecord({ status: 'SUBMITTED', taskToken: undefined }));

    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } });

    // Assess
    expect(output.status).toBe('FAILED');
    expect(store.peek(ORDER_ID)!.status).toBe('FAILED');
  });

  it.each(['CONFIRMED', 'REJECTED', 'EXPIRED', 'FAILED'] as const)('leaves a %s order as it is', async (status) => {
    // Prepare
    const ended = orderRecord({ status, taskToken: undefined, failureReason: status === 'CONFIRMED' ? undefined : 'earlier reason' });
    store.seed(ended);

    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } });

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID, status });
    expect(store.peek(ORDER_ID)).toEqual(ended);
    expect(store.methodsCalled()).not.toContain('transition');
  });

  it('fails when the order does not exist', async () => {
    // Prepare
    store = new FakeOrderStore();
    handler = failOrderHandler({ orders: store, ledger });

    // Act
    const failing = invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout' } });

    // Assess
    await expect(failing).rejects.toThrow(`Order ${ORDER_ID} does not exist`);
    expect(store.methodsCalled()).not.toContain('transition');
  });
});
