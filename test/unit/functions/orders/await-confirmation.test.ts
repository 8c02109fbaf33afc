import '../../helpers/env';
import { awaitConfirmationHandler } from '#functions/orders/await-confirmation.handler';
import { OrderConflictError } from '#functions/orders/order-store';
import { invokeTask } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ORDER_ID, orderRecord, TASK_TOKEN } from '../../helpers/orders';

const SUBMITTED = orderRecord({ status: 'SUBMITTED', taskToken: undefined, timeline: [{ status: 'SUBMITTED', at: '2030-01-01T00:00:00.000Z' }] });

describe('Function: AwaitConfirmation', () => {
  let store: FakeOrderStore;
  let handler: ReturnType<typeof awaitConfirmationHandler>;

  beforeEach(() => {
    store = new FakeOrderStore().seed(SUBMITTED);
    handler = awaitConfirmationHandler({ orders: store });
  });

  it('returns the order ID', async () => {
    // Act
    const output = await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    expect(output).toEqual({ orderId: ORDER_ID });
  });

  it('moves a submitted order to PENDING_EDITOR_CONFIRMATION and stores the token', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    expect(store.peek(ORDER_ID)).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', taskToken: TASK_TOKEN });
  });

  it('appends the gate to the timeline', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    expect(store.peek(ORDER_ID)!.timeline).toEqual([
      { status: 'SUBMITTED', at: '2030-01-01T00:00:00.000Z' },
      { status: 'PENDING_EDITOR_CONFIRMATION', at: expect.any(String) },
    ]);
  });

  it('replaces the token with the newer one when the task is retried', async () => {
    // Prepare
    store.seed(orderRecord({ taskToken: 'older-token' }));

    // Act
    await invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    expect(store.peek(ORDER_ID)).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', taskToken: TASK_TOKEN });
  });

  it('fails without touching the order when called without a task token', async () => {
    // Act
    const waiting = invokeTask(handler, { orderId: ORDER_ID, taskToken: '' });

    // Assess
    await expect(waiting).rejects.toThrow('ConfirmationGate was called without a task token');
    expect(store.calls).toEqual([]);
  });

  it('fails with OrderConflictError and keeps the order as it is when it has already ended', async () => {
    // Prepare
    const expired = orderRecord({ status: 'EXPIRED', taskToken: undefined });
    store.seed(expired);

    // Act
    const waiting = invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    await expect(waiting).rejects.toBeInstanceOf(OrderConflictError);
    expect(store.peek(ORDER_ID)).toEqual(expired);
  });

  it('fails with OrderConflictError when the order does not exist', async () => {
    // Prepare
    store = new FakeOrderStore();
    handler = awaitConfirmationHandler({ orders: store });

    // Act
    const waiting = invokeTask(handler, { orderId: ORDER_ID, taskToken: TASK_TOKEN });

    // Assess
    await expect(waiting).rejects.toBeInstanceOf(OrderConflictError);
  });
});
