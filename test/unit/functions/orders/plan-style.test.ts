import '../../helpers/env';
import { planStyleHandler } from '#functions/orders/plan-style.handler';
import { planStyle } from '#shared/orders';
import { invokeTask } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ORDER_ID, orderRecord, STYLES } from '../../helpers/orders';

describe('Function: PlanStyle', () => {
  let store: FakeOrderStore;
  let handler: ReturnType<typeof planStyleHandler>;

  beforeEach(() => {
    store = new FakeOrderStore().seed(orderRecord({ status: 'SUBMITTED', taskToken: undefined }));
    handler = planStyleHandler({ orders: store });
  });

  it('returns the plan for the style as the order took it', async () => {
    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'studio-black', position: 1 });

    // Assess
    expect(plan).toEqual(planStyle(STYLES[1], 1));
    expect(plan.prompt).toContain('black prompt for the customer');
  });

  it("plans from the order's own copy of the style, not from any other", async () => {
    // Prepare: the order took an older version of the style.
    const older = { ...STYLES[0], prompt: 'the prompt when the order was placed' };
    store.seed(orderRecord({ status: 'SUBMITTED', taskToken: undefined, styleDetails: [older, STYLES[1]] }));

    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'corporate-grey', position: 0 });

    // Assess
    expect(plan.prompt).toMatch(/^the prompt when the order was placed; /);
  });

  it('fails without storing anything for an order that does not exist', async () => {
    // Act
    const planning = invokeTask(handler, { orderId: '5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f', styleId: 'studio-black', position: 0 });

    // Assess
    await expect(planning).rejects.toThrow('Order 5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f has no style studio-black');
    expect(store.peekPlans('5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f')).toEqual([]);
  });

  it('stores the plan under the order at its position', async () => {
    // Act
    const plan = await invokeTask(handler, { orderId: ORDER_ID, styleId: 'corporate-grey', position: 0 });

    // Assess
    expect(store.peekPlans(ORDER_ID)).toEqual([plan]);
  });

  it('keeps one plan per position when a Map iteration is retried', async () => {
    // Prepare
    await invokeTask(handler, { orderId: ORDER_ID, styleId: 'corporate-grey', position: 0 });

    // Act
    await invokeTask(handler, { orderId: ORDER_ID, styleId: 'corporate-grey', position: 0 });

    // Assess
    expect(store.peekPlans(ORDER_ID)).toEqual([planStyle(STYLES[0], 0)]);
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
    await expect(planning).rejects.toThrow(`Order ${ORDER_ID} has no style neon-disco`);
    expect(store.methodsCalled()).toEqual(['get']);
    expect(store.peekPlans(ORDER_ID)).toEqual([]);
  });

  it('fails when the plan cannot be stored, so Step Functions retries', async () => {
    // Prepare
    store.failNext('savePlan', new Error('ProvisionedThroughputExceededException'));

    // Act
    const planning = invokeTask(handler, { orderId: ORDER_ID, styleId: 'corporate-grey', position: 0 });

    // Assess
    await expect(planning).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
