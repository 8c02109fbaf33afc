import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { discardOrderHandler } from '#functions/orders/discard-order.handler';
import { photoKeys } from '#functions/photos/photo-store';
import type { OrderView } from '#shared/orders';
import { TEST_ENV } from '../../helpers/env';
import { type Claims, CUSTOMER_SUB, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';
import { acceptedPhoto, photoId, rejectedPhoto } from '../../helpers/photos';

const discard = (claims?: Claims | null, orderId = ORDER_ID) => makeEvent({ routeKey: 'DELETE /v1/orders/{orderId}', pathParameters: { orderId }, claims });

describe('Function: DiscardOrder', () => {
  const s3Mock = mockClient(S3Client);
  let orders: FakeOrderStore;
  let photos: FakePhotoStore;
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof discardOrderHandler>;

  const draft = (overrides: Parameters<typeof orderRecord>[0] = {}) =>
    orderRecord({ status: 'DRAFT', photoCount: 2, taskToken: undefined, executionArn: undefined, timeline: [{ status: 'DRAFT', at: '2030-01-01T00:00:00.000Z' }], ...overrides });

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(DeleteObjectsCommand).resolves({});
    orders = new FakeOrderStore().seed(draft());
    photos = new FakePhotoStore(orders).seed(acceptedPhoto(0), rejectedPhoto(1));
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 40);
    handler = discardOrderHandler({ orders, photos, ledger, s3: new S3Client({}), uploadsBucket: TEST_ENV.UPLOADS_BUCKET });
  });

  it('ends a draft DISCARDED, saying so on its timeline', async () => {
    const response = await invoke<OrderView>(handler, discard());
    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('DISCARDED');
    expect(orders.peek(ORDER_ID)!.timeline.at(-1)).toMatchObject({ status: 'DISCARDED', detail: 'Discarded by the customer; the selfies were deleted.' });
  });

  it('deletes every selfie, records and files', async () => {
    await invoke(handler, discard());
    expect(await photos.list(ORDER_ID)).toEqual([]);
    const deleted = s3Mock.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete!.Objects!.map((o) => o.Key));
    const keys = [0, 1].flatMap((i) => Object.values(photoKeys(CUSTOMER_SUB, ORDER_ID, photoId(i))));
    expect(deleted.sort()).toEqual(keys.sort());
    expect(s3Mock.commandCalls(DeleteObjectsCommand).every((call) => call.args[0].input.Bucket === TEST_ENV.UPLOADS_BUCKET)).toBe(true);
  });

  it('gives back credits an earlier submission held', async () => {
    orders.seed(draft({ status: 'NEEDS_NEW_PHOTOS', submissions: 1 }));
    await ledger.reserve(CUSTOMER_SUB, ORDER_ID, 28);
    expect((await invoke(handler, discard())).statusCode).toBe(200);
    expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 40, reserved: 0 });
  });

  it.each([['VALIDATING'], ['PENDING_EDITOR_CONFIRMATION'], ['CONFIRMED'], ['DISCARDED']] as const)('answers 409 ORDER_NOT_EDITABLE for an order %s, deleting nothing', async (status) => {
    orders.seed(draft({ status }));
    const response = await invoke(handler, discard());
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_EDITABLE' });
    expect(await photos.list(ORDER_ID)).toHaveLength(2);
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it("answers 404 ORDER_NOT_FOUND for another customer's order, deleting nothing", async () => {
    const response = await invoke(handler, discard({ sub: OTHER_CUSTOMER_SUB, 'cognito:groups': '[]', token_use: 'id' }));
    expect(response.statusCode).toBe(404);
    expect(await photos.list(ORDER_ID)).toHaveLength(2);
    expect(orders.peek(ORDER_ID)!.status).toBe('DRAFT');
  });

  it('frees the order’s place among the orders in progress', async () => {
    await invoke(handler, discard());
    await expect(orders.openOrderCount(CUSTOMER_SUB)).resolves.toBe(0);
  });

  it('leaves the order as it was when deleting the files fails, and a second discard finishes', async () => {
    s3Mock.on(DeleteObjectsCommand).rejectsOnce(new Error('SlowDown')).resolves({});
    expect((await invoke(handler, discard())).statusCode).toBe(500);
    expect(orders.peek(ORDER_ID)!.status).toBe('DRAFT');
    // The photos still name their files, so the next attempt deletes them.
    expect(await photos.list(ORDER_ID)).toHaveLength(2);
    expect((await invoke(handler, discard())).statusCode).toBe(200);
    expect(orders.peek(ORDER_ID)!.status).toBe('DISCARDED');
  });
});
