import '../../helpers/env';
import { planStyleHandler } from '#functions/orders/plan-style.handler';
import { planStyle } from '#shared/orders';
import { invokeTask } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';

describe('Function: PlanStyle', () => {
  let store: FakeOrderStore;
  let handler: ReturnType<typeof planStyleHandler>;

  beforeEach(() => {
    store = new FakeOrderStore().seed(orderRecord({ status: 'SUBMITTED', taskToken: undefined }));
    handler = planStyleHandler({ orders: store });
  });

  it('returns the plan for the style', async () => {
    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 2 });

    // Assess
    expect(plan).toEqual(planStyle('warm-office', 2));
  });

  it('stores the plan under the order at its position', async () => {
    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 2 });

    // Assess
    expect(store.peekPlans(ORDER_ID)).toEqual([plan]);
  });

  it('keeps one plan per position when a Map iteration is retried', async () => {
    // Prepare
    await invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 0 });

    // Act
    await invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 0 });

    // Assess
    expect(store.peekPlans(ORDER_ID)).toEqual([planStyle('warm-office', 0)]);
  });

  it('stores the plans of several styles in position order', async () => {
    // Act
    await invokeTask(handler, { orderId: ORDER_ID, styleId: 'studio-black', position: 1 });
    await invokeTask(handler, { orderId: ORDER_ID, styleId: 'corporate-grey', position: 0 });

    // Assess
    expect(store.peekPlans(ORDER_ID).map((p) => p.styleId)).toEqual(['corporate-grey', 'studio-black']);
  });

  it('fails without storing anything for an unknown style', async () => {
    // Act
    const planning = invokeTask(handler, { orderId: ORDER_ID, styleId: 'neon-disco', position: 0 });

    // Assess
    await expect(planning).rejects.toThrow('Unknown style neon-disco');
    expect(store.calls).toEqual([]);
  });

  it('fails when the plan cannot be stored, so Step Functions retries', async () => {
    // Prepare
    store.failNext('savePlan', new Error('ProvisionedThroughputExceededException'));

    // Act
    const planning = invokeTask(handler, { orderId: ORDER_ID, styleId: 'warm-office', position: 0 });

    // Assess
    await expect(planning).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
