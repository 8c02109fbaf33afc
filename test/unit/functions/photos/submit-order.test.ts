import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { OrderConflictError } from '#functions/orders/order-store';
import { submitOrderHandler } from '#functions/photos/submit-order.handler';
import { TEST_ENV } from '../../helpers/env';
import { type Claims, CUSTOMER_SUB, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { EXECUTION_ARN, ORDER_ID, orderRecord } from '../../helpers/orders';

const submit = (claims?: Claims | null, orderId = ORDER_ID) => makeEvent({ routeKey: 'POST /v1/orders/{orderId}/submit', pathParameters: { orderId }, claims });

describe('Function: SubmitOrder', () => {
  const sfnMock = mockClient(SFNClient);
  let orders: FakeOrderStore;
  let ledger: FakeLedgerStore;
  let members: Set<string>;
  let handler: ReturnType<typeof submitOrderHandler>;
  /** An organisation the customer belongs to while `members` says so; its wallet's ID is its own. */
  const TEAM = '7d0e3c1a-5b7f-4c2e-9a41-2f6d8e1b0c93';

  /** The fixture order as a draft holding `photoCount` photos, submitted `submissions` times before. */
  const draft = (overrides: Parameters<typeof orderRecord>[0] = {}) =>
    orderRecord({ status: 'DRAFT', photoCount: 7, submissions: 0, taskToken: undefined, executionArn: undefined, timeline: [{ status: 'DRAFT', at: '2030-01-01T00:00:00.000Z' }], ...overrides });

  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    orders = new FakeOrderStore().seed(draft());
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 50).seed(TEAM, { kind: 'organisation', id: TEAM }, 30);
    members = new Set([CUSTOMER_SUB]);
    const organisations = {
      membership: async (orgId: string, sub: string) =>
        orgId === TEAM && members.has(sub) ? { orgId, sub, role: 'member' as const, joinedAt: '2030-01-01T00:00:00.000Z' } : undefined,
    };
    handler = submitOrderHandler({ orders, sfn: new SFNClient({}), pipelineArn: TEST_ENV.ORDER_PIPELINE_ARN, ledger, wallets: { ledger, organisations } });
  });

  describe('paying', () => {
    it("holds the order's credits on the customer's wallet: out of the balance, into reserved", async () => {
      const response = await invoke(handler, submit());
      expect(response.statusCode).toBe(202);
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 22, reserved: 28 });
      expect(await ledger.reservation(CUSTOMER_SUB, ORDER_ID)).toMatchObject({ amount: 28, status: 'HELD' });
    });

    it('holds once however often the order is submitted', async () => {
      orders.seed(draft({ status: 'NEEDS_NEW_PHOTOS', submissions: 1 }));
      await ledger.reserve(CUSTOMER_SUB, ORDER_ID, 28);
      expect((await invoke(handler, submit())).statusCode).toBe(202);
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 22, reserved: 28 });
    });

    it("holds on the organisation's wallet an order was placed on", async () => {
      orders.seed(draft({ walletId: TEAM }));
      expect((await invoke(handler, submit())).statusCode).toBe(202);
      expect(await ledger.get(TEAM)).toMatchObject({ balance: 2, reserved: 28 });
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 50, reserved: 0 });
    });

    it('answers 409 INSUFFICIENT_CREDITS when the wallet cannot cover the order, and leaves everything as it was', async () => {
      orders.seed(draft({ credits: 51 }));
      const response = await invoke(handler, submit());
      expect(response.statusCode).toBe(409);
      expect(response.body).toEqual({ code: 'INSUFFICIENT_CREDITS', message: 'This order costs 51 credits and the wallet cannot cover it. Buy credits, or choose fewer styles.' });
      expect(orders.peek(ORDER_ID)).toMatchObject({ status: 'DRAFT', submissions: 0 });
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 50, reserved: 0 });
      expect(sfnMock).not.toHaveReceivedAnyCommand();
    });

    it('answers 409 INSUFFICIENT_CREDITS when the customer has no wallet yet', async () => {
      ledger = new FakeLedgerStore();
      handler = submitOrderHandler({ orders, sfn: new SFNClient({}), pipelineArn: TEST_ENV.ORDER_PIPELINE_ARN, ledger, wallets: { ledger, organisations: { membership: async () => undefined } } });
      expect((await invoke(handler, submit())).body).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
      expect(orders.peek(ORDER_ID)!.status).toBe('DRAFT');
    });

    it("answers 404 WALLET_NOT_FOUND when the customer has left the organisation whose wallet was to pay, holding nothing", async () => {
      orders.seed(draft({ walletId: TEAM }));
      members.clear();
      const response = await invoke(handler, submit());
      expect(response.statusCode).toBe(404);
      expect(response.body).toMatchObject({ code: 'WALLET_NOT_FOUND' });
      expect(await ledger.get(TEAM)).toMatchObject({ balance: 30, reserved: 0 });
      expect(orders.peek(ORDER_ID)!.status).toBe('DRAFT');
    });

    it('keeps the hold when the pipeline cannot start, and a later submission reuses it', async () => {
      sfnMock.on(StartExecutionCommand).rejectsOnce(new Error('Rate exceeded')).resolves({ executionArn: EXECUTION_ARN });
      expect((await invoke(handler, submit())).statusCode).toBe(503);
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 22, reserved: 28 });
      expect((await invoke(handler, submit())).statusCode).toBe(202);
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 22, reserved: 28 });
    });
  });

  it('answers 202 with the order now VALIDATING', async () => {
    // Act
    const response = await invoke(handler, submit());

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.body).toEqual({ orderId: ORDER_ID, status: 'VALIDATING' });
    expect(orders.peek(ORDER_ID)).toMatchObject({ status: 'VALIDATING', submissions: 1 });
  });

  it('starts the pipeline named after the order and the submission, with the styles and a first check as input', async () => {
    // Act
    await invoke(handler, submit());

    // Assess
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const input = sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input.stateMachineArn).toBe(TEST_ENV.ORDER_PIPELINE_ARN);
    expect(input.name).toBe(`${ORDER_ID}-1`);
    expect(JSON.parse(input.input!)).toEqual({ orderId: ORDER_ID, styles: ['corporate-grey', 'studio-black'], submission: 1, check: { attempt: 0 } });
  });

  it('moves the order to VALIDATING before it starts the pipeline', async () => {
    // Prepare
    let statusWhenStarted: string | undefined;
    sfnMock.on(StartExecutionCommand).callsFake(() => {
      statusWhenStarted = orders.peek(ORDER_ID)?.status;
      return { executionArn: EXECUTION_ARN };
    });

    // Act
    await invoke(handler, submit());

    // Assess
    expect(statusWhenStarted).toBe('VALIDATING');
  });

  it('records the execution ARN on the order', async () => {
    // Act
    await invoke(handler, submit());

    // Assess
    expect(orders.peek(ORDER_ID)!.executionArn).toBe(EXECUTION_ARN);
  });

  it('submits an order that needed new photos as a new execution, clearing what it lacked', async () => {
    // Prepare
    orders.seed(draft({ status: 'NEEDS_NEW_PHOTOS', submissions: 1, missing: '4 of 6 photos accepted' }));

    // Act
    const response = await invoke(handler, submit());

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.name).toBe(`${ORDER_ID}-2`);
    expect(JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toMatchObject({ submission: 2 });
    expect(orders.peek(ORDER_ID)).not.toHaveProperty('missing');
  });

  it.each(['VALIDATING', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED', 'REJECTED'] as const)(
    'answers 409 ORDER_NOT_EDITABLE for an order in %s, starting nothing',
    async (status) => {
      // Prepare
      orders.seed(draft({ status }));

      // Act
      const response = await invoke(handler, submit());

      // Assess
      expect(response.statusCode).toBe(409);
      expect(response.body).toEqual({ code: 'ORDER_NOT_EDITABLE', message: 'This order has been sent to the studio already.' });
      expect(orders.peek(ORDER_ID)!.status).toBe(status);
      expect(sfnMock).not.toHaveReceivedAnyCommand();
    },
  );

  it('answers 409 NO_PHOTOS for a draft without photos, starting nothing', async () => {
    // Prepare
    orders.seed(draft({ photoCount: 0 }));

    // Act
    const response = await invoke(handler, submit());

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'NO_PHOTOS', message: 'Upload your photos before you submit the order.' });
    expect(orders.peek(ORDER_ID)!.status).toBe('DRAFT');
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it("answers 404 ORDER_NOT_FOUND for another customer's order, changing nothing", async () => {
    // Act
    const response = await invoke(handler, submit({ sub: OTHER_CUSTOMER_SUB, token_use: 'id' }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
    expect(orders.peek(ORDER_ID)).toEqual(draft());
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 404 ORDER_NOT_FOUND for an order that does not exist', async () => {
    // Act
    const response = await invoke(handler, submit(undefined, '5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 ORDER_NOT_EDITABLE when the order changed between its read and its submission', async () => {
    // Prepare
    orders.failNext('submit', new OrderConflictError(`Order ${ORDER_ID} is not an editable order with photos.`));

    // Act
    const response = await invoke(handler, submit());

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_EDITABLE' });
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  describe('When the pipeline cannot be started', () => {
    beforeEach(() => {
      sfnMock.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));
    });

    it('answers 503 ORDER_NOT_STARTED', async () => {
      // Act
      const response = await invoke(handler, submit());

      // Assess
      expect(response.statusCode).toBe(503);
      expect(response.body).toEqual({ code: 'ORDER_NOT_STARTED', message: 'The order could not be sent to the studio. Nothing was charged; please try again in a minute.' });
    });

    it('puts a draft back to DRAFT, saying so on its timeline', async () => {
      // Act
      await invoke(handler, submit());

      // Assess
      const stored = orders.peek(ORDER_ID)!;
      expect(stored.status).toBe('DRAFT');
      expect(stored.timeline.map((e) => e.status)).toEqual(['DRAFT', 'VALIDATING', 'DRAFT']);
      expect(stored.timeline.at(-1)!.detail).toBe('The order could not be sent; it is back as it was.');
      expect(stored).not.toHaveProperty('executionArn');
    });

    it('puts an order that needed new photos back as it was, with what it lacked', async () => {
      // Prepare
      orders.seed(draft({ status: 'NEEDS_NEW_PHOTOS', submissions: 1, missing: '4 of 6 photos accepted' }));

      // Act
      await invoke(handler, submit());

      // Assess
      expect(orders.peek(ORDER_ID)).toMatchObject({ status: 'NEEDS_NEW_PHOTOS', missing: '4 of 6 photos accepted' });
    });

    it('lets the customer submit again, as the next execution name', async () => {
      // Prepare
      await invoke(handler, submit());
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN });

      // Act
      const response = await invoke(handler, submit());

      // Assess
      expect(response.statusCode).toBe(202);
      expect(sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual([`${ORDER_ID}-1`, `${ORDER_ID}-2`]);
    });
  });

  it('answers 202 and keeps the order VALIDATING when only recording the execution ARN fails', async () => {
    // Prepare: the execution runs, so the order must not be put back.
    orders.failNext('setExecutionArn', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, submit());

    // Assess
    expect(response.statusCode).toBe(202);
    expect(orders.peek(ORDER_ID)!.status).toBe('VALIDATING');
  });

  it('answers 401 UNAUTHENTICATED without claims, reading nothing', async () => {
    // Act
    const response = await invoke(handler, submit(null));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(orders.calls).toEqual([]);
  });
});
