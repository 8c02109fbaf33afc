import '../../helpers/env';
import { sweepReservationsHandler } from '#functions/wallets/sweep-reservations.handler';
import { invokeTask } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { orderRecord } from '../../helpers/orders';

const WALLET = '55555555-5555-4555-8555-555555555555';
const OPEN_ORDER = '66666666-6666-4666-8666-666666666666';
const ENDED_ORDER = '77777777-7777-4777-8777-777777777777';
const GONE_ORDER = '88888888-8888-4888-8888-888888888888';

describe('Function: SweepReservations', () => {
  let ledger: FakeLedgerStore;
  let orders: FakeOrderStore;

  beforeEach(async () => {
    ledger = new FakeLedgerStore().seed(WALLET, { kind: 'person', id: WALLET }, 30);
    orders = new FakeOrderStore().seed(orderRecord({ orderId: OPEN_ORDER, status: 'PENDING_EDITOR_CONFIRMATION' }), orderRecord({ orderId: ENDED_ORDER, status: 'REJECTED' }));
    for (const orderId of [OPEN_ORDER, ENDED_ORDER, GONE_ORDER]) await ledger.reserve(WALLET, orderId, 10);
  });

  it('releases the holds of orders that ended or never existed, and keeps the open one', async () => {
    // Act
    const output = await invokeTask(sweepReservationsHandler({ ledger, orders, now: () => Date.UTC(2031, 0, 1) }), {});

    // Assess
    expect(output).toEqual({ released: 2 });
    expect(ledger.peek(WALLET)!.wallet).toMatchObject({ balance: 20, reserved: 10 });
    expect((await ledger.reservation(WALLET, OPEN_ORDER))?.status).toBe('HELD');
  });

  it('leaves holds younger than the grace period alone', async () => {
    // Act
    const output = await invokeTask(sweepReservationsHandler({ ledger, orders, now: () => Date.UTC(2030, 0, 1) }), {});

    // Assess
    expect(output).toEqual({ released: 0 });
  });

  it('takes the cutoff from its input', async () => {
    // Act
    await invokeTask(sweepReservationsHandler({ ledger, orders }), { olderThan: '2029-01-01T00:00:00.000Z' });

    // Assess
    expect(ledger.calls.find((c) => c.method === 'sweepReservations')?.args).toEqual(['2029-01-01T00:00:00.000Z']);
  });
});
