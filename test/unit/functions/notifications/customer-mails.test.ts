import '../../helpers/env';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { failGenerationHandler } from '#functions/generation/fail-generation.handler';
import { type CustomerNotifier, customerNotifier, type NotifiedOrder, type OrderNews, tellQuietly } from '#functions/notifications/customer-notifier';
import { checkPhotosHandler } from '#functions/orders/check-photos.handler';
import { completeOrderHandler } from '#functions/orders/complete-order.handler';
import { failOrderHandler } from '#functions/orders/fail-order.handler';
import type { MailMessage } from '#lib/mail';
import { TEST_ENV } from '../../helpers/env';
import { ADMIN_SUB, CUSTOMER_SUB, invokeTask } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { ORDER_ID, orderRecord, PLANS } from '../../helpers/orders';
import { acceptedPhoto, rejectedPhoto } from '../../helpers/photos';

/*
 * The e-mails of an order's life, sent by the steps where the customer has
 * news: photos need attention, the order is confirmed, it failed (and its
 * credits came back). The messages' wording is tested in order-mail.test.ts;
 * here, who sends what, when, and that a failed send never undoes the step.
 */

class RecordingNotifier implements CustomerNotifier {
  readonly told: { order: NotifiedOrder; news: OrderNews }[] = [];
  async tell(order: NotifiedOrder, news: OrderNews): Promise<boolean> {
    this.told.push({ order, news });
    return true;
  }
}

describe('customerNotifier', () => {
  it('writes to the address the order kept, else the one in the user pool, and says when there is none', async () => {
    const sent: MailMessage[] = [];
    const notifier = customerNotifier({
      directory: { profile: async (sub) => (sub === CUSTOMER_SUB ? { email: 'pool@example.com' } : undefined) },
      mailer: { send: async (message) => void sent.push(message) },
      siteUrl: 'https://studio.example.com',
    });
    const news: OrderNews = { type: 'order-failed', reason: 'Nobody confirmed the order in time.', creditsRefunded: 5 };
    await notifier.tell({ orderId: ORDER_ID, customerId: CUSTOMER_SUB, customerEmail: 'kept@example.com', studioName: 'North Light' }, news);
    await notifier.tell({ orderId: ORDER_ID, customerId: CUSTOMER_SUB, studioName: 'North Light' }, news);
    expect(await notifier.tell({ orderId: ORDER_ID, customerId: 'nobody', studioName: 'North Light' }, news)).toBe(false);
    expect(sent.map((m) => m.to)).toEqual(['kept@example.com', 'pool@example.com']);
  });

  it('tellQuietly keeps a failed send from failing the step', async () => {
    const failing: CustomerNotifier = { tell: async () => Promise.reject(new Error('SES is down')) };
    await expect(tellQuietly(failing, { orderId: ORDER_ID, customerId: CUSTOMER_SUB, studioName: 'x' }, { type: 'order-failed', reason: 'A reason here', creditsRefunded: 0 })).resolves.toBeUndefined();
  });
});

describe('the steps that tell the customer', () => {
  const s3Mock = mockClient(S3Client);
  const sfnMock = mockClient(SFNClient);
  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    sfnMock.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
  });

  it('CheckPhotos: photos need attention, naming each refused photo and its reason', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'VALIDATING', taskToken: undefined }));
    const photos = new FakePhotoStore(orders).seed(acceptedPhoto(1), rejectedPhoto(2));
    const notify = new RecordingNotifier();
    const handler = checkPhotosHandler({ orders, photos, s3: new S3Client({}), uploadsBucket: TEST_ENV.UPLOADS_BUCKET, minAccepted: 2, notify });
    await expect(invokeTask(handler, { orderId: ORDER_ID, attempt: 0 })).resolves.toMatchObject({ photos: 'NEEDS_NEW_PHOTOS' });
    expect(notify.told).toHaveLength(1);
    expect(notify.told[0]!.news).toMatchObject({ type: 'photos-need-attention', accepted: 1, needed: 2, rejected: [{ fileName: expect.any(String), reason: expect.any(String) }] });
  });

  it('CheckPhotos: nothing to say when the photos are fine', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'VALIDATING', taskToken: undefined }));
    const notify = new RecordingNotifier();
    const handler = checkPhotosHandler({ orders, photos: new FakePhotoStore(orders).seed(acceptedPhoto(1), acceptedPhoto(2)), s3: new S3Client({}), uploadsBucket: TEST_ENV.UPLOADS_BUCKET, minAccepted: 2, notify });
    await invokeTask(handler, { orderId: ORDER_ID, attempt: 0 });
    expect(notify.told).toEqual([]);
  });

  it('CompleteOrder: the order is confirmed, with its styles, images planned and credits', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ taskToken: undefined, decidedBy: ADMIN_SUB }));
    const notify = new RecordingNotifier();
    const handler = completeOrderHandler({
      orders,
      s3: new S3Client({}),
      outputsBucket: TEST_ENV.OUTPUTS_BUCKET,
      ledger: new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 40),
      sfn: new SFNClient({}),
      generationPipeline: 'arn:pipeline',
      notify,
    });
    await invokeTask(handler, { orderId: ORDER_ID, decision: { decision: 'confirm', decidedBy: ADMIN_SUB }, plans: PLANS });
    expect(notify.told.map((t) => t.news)).toEqual([{ type: 'order-confirmed', styles: ['Corporate grey', 'Studio black'], imagesPlanned: 12, credits: 28 }]);
  });

  it('FailOrder: a rejected order tells the customer why and what came back; a discarded draft tells nobody', async () => {
    const orders = new FakeOrderStore().seed(orderRecord());
    const notify = new RecordingNotifier();
    const ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 40);
    await invokeTask(failOrderHandler({ orders, ledger, notify }), { orderId: ORDER_ID, error: { Error: 'OrderRejected', Cause: 'The photos show two people.' } });
    expect(notify.told.map((t) => t.news)).toEqual([{ type: 'order-failed', reason: 'The photos show two people.', creditsRefunded: 28 }]);

    const drafts = new FakeOrderStore().seed(orderRecord({ status: 'DRAFT', taskToken: undefined }));
    const quiet = new RecordingNotifier();
    await invokeTask(failOrderHandler({ orders: drafts, ledger, notify: quiet }), { orderId: ORDER_ID, error: { Error: 'Unknown' } });
    expect(quiet.told).toEqual([]);
  });

  it('FailGeneration: production failed, every credit refunded, the customer told', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'GENERATING', credits: 28 }));
    const notify = new RecordingNotifier();
    const handler = failGenerationHandler({
      orders,
      limits: { holders: async () => ({}), release: async () => undefined },
      ledger: new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 0),
      notify,
    });
    await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'NoImagesKept', Cause: 'none' } });
    expect(notify.told.map((t) => t.news)).toEqual([{ type: 'order-failed', reason: expect.stringContaining('looked enough like you'), creditsRefunded: 28 }]);
  });
});
