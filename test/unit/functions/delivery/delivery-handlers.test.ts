import '../../helpers/env';
import { generateKeyPairSync } from 'node:crypto';
import { awaitReviewHandler } from '#functions/delivery/await-review.handler';
import type { DeliveryRecord, Deliveries } from '#functions/delivery/delivery-store';
import { archiveKey, archiveMetadata, entryName } from '#functions/delivery/export-archive.handler';
import { failDeliveryHandler } from '#functions/delivery/fail-delivery.handler';
import { getDownloadHandler } from '#functions/delivery/get-download.handler';
import { getGalleryHandler } from '#functions/delivery/get-gallery.handler';
import { CloudFrontMediaLinks } from '#functions/delivery/media-links';
import { notifyDeliveredHandler } from '#functions/delivery/notify-delivered.handler';
import { settleDeliveryHandler } from '#functions/delivery/settle-delivery.handler';
import type { GeneratedImage } from '#functions/generation/image-store';
import type { MailMessage } from '#lib/mail';
import type { ImageReview } from '#shared/api/review';
import { creditsForDelivery } from '#shared/delivery';
import { customerNotifier } from '#functions/notifications/customer-notifier';
import { verifyCloudFrontRequest } from '../../../../infra/local/media/verify';
import { adminClaims, CUSTOMER_SUB, customerClaims, type Claims, invoke, invokeTask, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakeReviewStore } from '../../helpers/fake-review-store';
import { ORDER_ID, orderRecord, PLANS } from '../../helpers/orders';

/** A delivered-or-not image record: `approve`, `reject` or undecided, kept or set aside by the lock. */
function image(styleId: string, slot: number, decision?: 'approve' | 'reject', status: 'KEPT' | 'REJECTED' = 'KEPT'): GeneratedImage & { review?: ImageReview } {
  const imageId = `${styleId}-front-${slot}`;
  const variant = (name: 'preview' | 'master' | 'print', format: 'webp' | 'png' | 'jpeg', width: number) => ({
    name,
    format,
    key: `outputs/test/${CUSTOMER_SUB}/${ORDER_ID}/${styleId}/${imageId}/${name}.${format === 'jpeg' ? 'jpg' : format}`,
    width,
    height: width,
    size: width * 10,
    sha256: 'cd'.repeat(32),
  });
  return {
    imageId,
    orderId: ORDER_ID,
    styleId,
    poseId: 'front',
    slot,
    status,
    engine: 'balanced',
    endpoint: 'fal-ai/flux-lora',
    requestId: 'req-1',
    seed: 1000 + slot,
    seedIndex: slot,
    prompt: 'a prompt',
    identityScore: 0.81,
    identityThreshold: 0.65,
    attempts: [],
    submittedAt: '2030-01-02T00:00:00.000Z',
    generatedAt: '2030-01-02T00:01:00.000Z',
    processingMs: 900,
    listPriceUsd: 0.035,
    storageVersion: 1,
    variants: [variant('preview', 'webp', 1024), variant('master', 'png', 2048), variant('print', 'jpeg', 4096)],
    recordedAt: '2030-01-02T00:01:01.000Z',
    ...(decision && { review: { decision, ...(decision === 'reject' && { reason: 'Not sharp' }), by: 'artist', at: '2030-01-03T00:00:00.000Z' } }),
  };
}

class FakeDeliveries implements Deliveries {
  readonly records = new Map<string, DeliveryRecord>();
  async get(orderId: string) {
    return this.records.get(orderId);
  }
  async saveArchive(orderId: string, archive: NonNullable<DeliveryRecord['archive']>) {
    const current = this.records.get(orderId);
    if (current?.archive) return current.archive;
    this.records.set(orderId, { ...current, orderId, archive });
    return archive;
  }
  async recordSettlement(orderId: string, settlement: { charged: number; returned: number; approved: number; deliveredAt: string }) {
    const current = this.records.get(orderId);
    this.records.set(orderId, { orderId, ...settlement, ...current });
  }
  async markNotified(orderId: string, at: string) {
    const current = this.records.get(orderId);
    if (current?.notifiedAt) return false;
    this.records.set(orderId, { ...current, orderId, notifiedAt: at });
    return true;
  }
}

const ARCHIVE = { key: `deliveries/test/${CUSTOMER_SUB}/${ORDER_ID}/headshots-9b2f3c4d.zip`, size: 4096, sha256: 'ef'.repeat(32), entries: 7, builtAt: '2030-01-03T01:00:00.000Z' };

describe('creditsForDelivery', () => {
  it('charges each style for its approved share of the images planned, rounded down, and gives the rest back', () => {
    const styles = [
      { styleId: 'a', priceCredits: 12 },
      { styleId: 'b', priceCredits: 16 },
    ];
    const plans = [
      { styleId: 'a', images: 12 },
      { styleId: 'b', images: 12 },
    ];
    expect(creditsForDelivery(styles, plans, { a: 12, b: 12 })).toMatchObject({ charged: 28, returned: 0 });
    // 16 × 11 / 12 = 14.67 → 14; 12 × 6 / 12 = 6.
    expect(creditsForDelivery(styles, plans, { a: 6, b: 11 })).toMatchObject({ charged: 20, returned: 8 });
    expect(creditsForDelivery(styles, plans, { a: 1 })).toMatchObject({ charged: 1, returned: 27 });
    // More approved than planned (a retouch never adds images) is capped at the plan.
    expect(creditsForDelivery(styles, plans, { a: 13 }).perStyle[0]).toMatchObject({ approved: 12, charged: 12 });
  });
});

describe('Function: AwaitReview', () => {
  it('opens the gate of an order in review with its token and the number of kept images', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'PENDING_REVIEW', imagesKept: 9 }));
    const reviews = new FakeReviewStore();
    await invokeTask(awaitReviewHandler({ orders, reviews }), { orderId: ORDER_ID, taskToken: 'token-1' });
    expect(await reviews.get(ORDER_ID)).toMatchObject({ status: 'WAITING', toDecide: 9, taskToken: 'token-1', customerId: CUSTOMER_SUB });
  });

  it('refuses an order that is not in review, so the pipeline fails rather than waiting for nothing', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'GENERATING' }));
    await expect(invokeTask(awaitReviewHandler({ orders, reviews: new FakeReviewStore() }), { orderId: ORDER_ID, taskToken: 't' })).rejects.toThrow('not waiting for review');
  });
});

describe('Function: SettleDelivery', () => {
  const setup = (images: ReturnType<typeof image>[]) => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'PENDING_REVIEW', credits: 28 })).seedPlans(ORDER_ID, PLANS);
    const ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 0);
    const reviews = new FakeReviewStore().seed({ orderId: ORDER_ID, status: 'DELIVERING' });
    const deliveries = new FakeDeliveries();
    const handler = settleDeliveryHandler({ orders, images: { list: async () => images }, reviews, deliveries, ledger });
    return { orders, ledger, reviews, deliveries, handler };
  };

  it('charges the approved images, gives the rest back once, and ends the order DELIVERED', async () => {
    // Plans: 6 images per style; styles cost 12 and 16. Approved: 3 grey (6 credits), 6 black (16): 22 charged, 6 back.
    const images = [
      ...[0, 1, 2].map((slot) => image('corporate-grey', slot, 'approve')),
      ...[3, 4].map((slot) => image('corporate-grey', slot, 'reject')),
      image('corporate-grey', 5, undefined, 'REJECTED'),
      ...[0, 1, 2, 3, 4, 5].map((slot) => image('studio-black', slot, 'approve')),
    ];
    const { orders, ledger, reviews, deliveries, handler } = setup(images);
    await expect(invokeTask(handler, { orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'DELIVERED', approved: 9, charged: 22, returned: 6 });
    await invokeTask(handler, { orderId: ORDER_ID });
    expect(ledger.peek(CUSTOMER_SUB)?.wallet.balance).toBe(6);
    expect(ledger.peek(CUSTOMER_SUB)?.entries.filter((e) => e.type === 'refund')).toHaveLength(1);
    expect((await orders.get(ORDER_ID))?.status).toBe('DELIVERED');
    expect((await orders.get(ORDER_ID))?.timeline.at(-1)?.detail).toBe('9 headshots delivered; 22 credits charged, 6 given back');
    expect(await reviews.get(ORDER_ID)).toMatchObject({ status: 'DELIVERED' });
    expect(await deliveries.get(ORDER_ID)).toMatchObject({ charged: 22, returned: 6, approved: 9 });
  });

  it('fails when nothing is approved rather than delivering an empty order', async () => {
    const { handler } = setup([image('corporate-grey', 0, 'reject')]);
    await expect(invokeTask(handler, { orderId: ORDER_ID })).rejects.toThrow('no approved image');
  });
});

describe('Function: FailDelivery', () => {
  const setup = (delivery?: DeliveryRecord) => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'PENDING_REVIEW', credits: 28, customerEmail: 'ada@example.com' }));
    const ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 0);
    const reviews = new FakeReviewStore().seed({ orderId: ORDER_ID });
    const deliveries = new FakeDeliveries();
    if (delivery) deliveries.records.set(ORDER_ID, delivery);
    const sent: MailMessage[] = [];
    const handler = failDeliveryHandler({
      orders,
      reviews,
      deliveries,
      ledger,
      notify: customerNotifier({ directory: { profile: async () => undefined }, mailer: { send: async (message) => void sent.push(message) }, siteUrl: 'https://studio.example.com' }),
    });
    return { orders, ledger, reviews, sent, handler };
  };

  it('ends a review that timed out FAILED with the reason, refunds every credit once, closes the gate and tells the customer once', async () => {
    const { orders, ledger, reviews, sent, handler } = setup();
    // The pipeline's Pass state names the gate's own timeout.
    const input = { orderId: ORDER_ID, error: { Error: 'ReviewExpired', Cause: 'No artist delivered the order within the review window.' } };
    await invokeTask(handler, input);
    await invokeTask(handler, input);
    const order = await orders.get(ORDER_ID);
    expect(order).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('No studio artist reviewed your headshots in time') });
    expect(ledger.peek(CUSTOMER_SUB)?.wallet.balance).toBe(28);
    expect(await reviews.get(ORDER_ID)).toMatchObject({ status: 'CLOSED' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'ada@example.com', subject: expect.stringContaining('could not be completed') });
    expect(sent[0]!.text).toContain('28 credits');
  });

  it("reads a timeout of another step as a delivery failure, not as a review nobody made", async () => {
    const { orders, handler } = setup();
    await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'States.Timeout', Cause: 'ExportArchive ran longer than 600 s' } });
    expect(await orders.get(ORDER_ID)).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('Something went wrong while delivering your headshots') });
  });

  it('after a settlement that gave some credits back, refunds only the rest: the order’s credits come back exactly once', async () => {
    const { ledger, handler } = setup({ orderId: ORDER_ID, charged: 22, returned: 6, approved: 9, deliveredAt: '2030-01-03T00:00:00.000Z' });
    await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'Lambda.Unknown', Cause: 'boom' } });
    expect(ledger.peek(CUSTOMER_SUB)?.wallet.balance).toBe(28);
    expect(ledger.peek(CUSTOMER_SUB)?.entries.filter((e) => e.type === 'refund').map((e) => e.amount).sort((a, b) => a - b)).toEqual([6, 22]);
  });
});

describe('Functions: NotifyDelivered, GetGallery and GetDownload (signed links)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const MEDIA = 'https://media.example.com';
  const links = async () => new CloudFrontMediaLinks(MEDIA, { keyPairId: 'KTESTKEY0001', privateKey });
  const now = () => new Date('2030-01-03T02:00:00.000Z');
  /** What the media distribution (or its local stand-in) decides about a link at a time. */
  const opens = (url: string, at = now()) => verifyCloudFrontRequest(url, at, { KTESTKEY0001: publicKey }, MEDIA);

  const delivered = () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'DELIVERED', customerEmail: 'ada@example.com' }));
    const deliveries = new FakeDeliveries();
    deliveries.records.set(ORDER_ID, { orderId: ORDER_ID, archive: ARCHIVE, charged: 22, returned: 6, approved: 2, deliveredAt: '2030-01-03T01:00:00.000Z' });
    const images = { list: async () => [image('corporate-grey', 0, 'approve'), image('corporate-grey', 1, 'reject'), image('studio-black', 0, 'approve')] };
    return { orders, deliveries, images };
  };

  it('e-mails the customer once: the gallery, a week-long signed link to the ZIP, what was charged and given back', async () => {
    const { orders, deliveries } = delivered();
    const sent: MailMessage[] = [];
    const notify = customerNotifier({ directory: { profile: async () => undefined }, mailer: { send: async (m) => void sent.push(m) }, siteUrl: 'https://studio.example.com' });
    const handler = notifyDeliveredHandler({ orders, deliveries, notify, links, now });
    await expect(invokeTask(handler, { orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, notified: true });
    await expect(invokeTask(handler, { orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, notified: false });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('Your headshots from North Light Studio are ready');
    expect(sent[0]!.text).toContain(`https://studio.example.com/#/orders/${ORDER_ID}/gallery`);
    expect(sent[0]!.text).toContain('22 credits');
    const zipLink = /https:\/\/media\.example\.com\/\S+/.exec(sent[0]!.text)![0];
    expect(opens(zipLink)).toMatchObject({ ok: true, key: ARCHIVE.key });
    expect(opens(zipLink, new Date('2030-01-10T02:00:01.000Z'))).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  it('answers the gallery of approved images only, each file behind its own signed link', async () => {
    const { orders, deliveries, images } = delivered();
    const res = await invoke<{ images: { imageId: string; previewUrl: string; fullUrl: string; files: { url: string; format: string }[] }[]; linksValidUntil: string }>(
      getGalleryHandler({ orders, images, deliveries, links, now }),
      makeEvent({ routeKey: 'GET /v1/orders/{orderId}/gallery', pathParameters: { orderId: ORDER_ID }, claims: customerClaims }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body.images.map((i) => i.imageId)).toEqual(['corporate-grey-front-0', 'studio-black-front-0']);
    const first = res.body.images[0]!;
    expect(first.files.map((f) => f.format)).toEqual(['webp', 'png', 'jpeg']);
    expect(opens(first.previewUrl)).toMatchObject({ ok: true, key: expect.stringMatching(/preview\.webp$/) });
    expect(opens(first.fullUrl)).toMatchObject({ ok: true, key: expect.stringMatching(/print\.jpg$/) });
    // A link names one file: its signature does not open another.
    const other = first.previewUrl.replace('preview.webp', 'master.png');
    expect(opens(other)).toMatchObject({ ok: false });
    expect(res.body.linksValidUntil).toBe('2030-01-03T14:00:00.000Z');
  });

  it.each<[string, Claims, number, string]>([
    ['another customer', { sub: OTHER_CUSTOMER_SUB, token_use: 'id' }, 404, 'ORDER_NOT_FOUND'],
    ['an admin', adminClaims, 200, ''],
  ])('lets %s see the gallery or not', async (_who, claims, status, code) => {
    const { orders, deliveries, images } = delivered();
    const res = await invoke(getGalleryHandler({ orders, images, deliveries, links, now }), makeEvent({ routeKey: 'GET /v1/orders/{orderId}/gallery', pathParameters: { orderId: ORDER_ID }, claims }));
    expect(res.statusCode).toBe(status);
    if (code) expect(res.body).toMatchObject({ code });
  });

  it('answers 409 ORDER_NOT_DELIVERED for an order still in review', async () => {
    const orders = new FakeOrderStore().seed(orderRecord({ status: 'PENDING_REVIEW' }));
    const res = await invoke(
      getDownloadHandler({ orders, deliveries: new FakeDeliveries(), links, now }),
      makeEvent({ routeKey: 'GET /v1/orders/{orderId}/download', pathParameters: { orderId: ORDER_ID }, claims: customerClaims }),
    );
    expect(res).toMatchObject({ statusCode: 409, body: { code: 'ORDER_NOT_DELIVERED' } });
  });

  it('answers an hour-long signed link to the ZIP with its size and name', async () => {
    const { orders, deliveries } = delivered();
    const res = await invoke<{ url: string; validUntil: string; fileName: string; size: number }>(
      getDownloadHandler({ orders, deliveries, links, now }),
      makeEvent({ routeKey: 'GET /v1/orders/{orderId}/download', pathParameters: { orderId: ORDER_ID }, claims: customerClaims }),
    );
    expect(res.body).toMatchObject({ validUntil: '2030-01-03T03:00:00.000Z', fileName: 'headshots-9b2f3c4d.zip', size: 4096 });
    expect(opens(res.body.url)).toMatchObject({ ok: true, key: ARCHIVE.key });
    expect(opens(res.body.url, new Date('2030-01-03T03:00:01.000Z'))).toMatchObject({ ok: false });
  });
});

describe('ExportArchive: names and metadata', () => {
  it('names each file by style, pose and slot, and the ZIP beside the image layout', () => {
    expect(entryName({ styleId: 'corporate-grey', poseId: 'front', slot: 2 }, { name: 'print', format: 'jpeg' })).toBe('corporate-grey/front-2/print.jpg');
    expect(archiveKey('prod', { customerId: CUSTOMER_SUB, orderId: ORDER_ID })).toBe(`deliveries/prod/${CUSTOMER_SUB}/${ORDER_ID}/headshots-9b2f3c4d.zip`);
  });

  it('describes the order, its styles and each image with pose, seed, engine, score, sizes and checksums', () => {
    const order = orderRecord({ status: 'PENDING_REVIEW', engine: 'balanced' });
    const metadata = archiveMetadata(order, [image('corporate-grey', 0, 'approve')], '2030-01-03T01:00:00.000Z');
    expect(metadata.order).toMatchObject({ orderId: ORDER_ID, studioId: 'north-light-studio', studioName: 'North Light Studio', engine: 'balanced' });
    expect(metadata.styles.map((s) => s.styleId)).toEqual(['corporate-grey', 'studio-black']);
    expect(metadata.images[0]).toMatchObject({ pose: 'front', seed: 1000, engine: 'balanced', identityScore: 0.81, approvedBy: 'artist' });
    expect(metadata.images[0]!.files).toContainEqual(expect.objectContaining({ path: 'corporate-grey/front-0/master.png', width: 2048, sha256: 'cd'.repeat(32) }));
  });
});
