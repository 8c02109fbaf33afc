import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { Outbox } from '../../infra/local/mail/outbox';
import type { ReviewImageView } from '../../shared/api/review';
import type { OrderView } from '../../shared/orders';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';

/*
 * The last stretch on the local cloud: two orders are made; an artist takes
 * the first from the review queue, decides every image, delivers it, and the
 * customer opens the gallery through signed links and downloads the ZIP
 * (every entry checked against metadata.json), with the credits of the
 * rejected images back and the e-mail in the outbox. Nobody reviews the
 * second: its review times out, it fails, is refunded and the customer is told.
 */

const PRODUCTION_MS = 420_000;
/** The review wait, shortened from AWS's fourteen days so the test sees one run out. */
const REVIEW_WAIT_SECONDS = 90;

describe('review and delivery on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: CustomerApi;
  let admin: CustomerApi;
  let artist: CustomerApi;
  let customerEmail: string;
  let reviewed: OrderView;
  let abandoned: OrderView;

  beforeAll(async () => {
    cloud = await startLocalCloud({
      env: { LOCAL_STEP_TIMEOUTS: `AwaitBatch=6,AwaitTraining=8,AwaitReview=${REVIEW_WAIT_SECONDS}`, LOCAL_FAL_LATENCY_MS: '300', LOCAL_FAL_TRAINING_LATENCY_MS: '800' },
    });
    const person = demoUser(cloud.endpoints, 'customer');
    customerEmail = person.email;
    customer = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, person));
    admin = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
    artist = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist')));
  }, 180_000);

  afterAll(async () => {
    await cloud?.stop();
  });

  const confirmed = async (styleIds: string[]): Promise<string> => {
    const order = await customer.orderAtGate(styleIds);
    expect((await admin.call('POST', `/v1/admin/orders/${order.orderId}/decision`, { decision: 'confirm' })).status).toBe(202);
    return order.orderId;
  };
  const status = (orderId: string, wanted: string[], timeoutMs: number) =>
    eventually(async () => {
      const order = await customer.order(orderId);
      return wanted.includes(order.status) ? order : undefined;
    }, timeoutMs, `order ${orderId} to be ${wanted.join(' or ')}`);
  const walletEntries = async (orderId: string) => {
    const sub = (await customer.call('GET', '/v1/me')).body.sub as string;
    const { body } = await customer.call('GET', `/v1/wallets/${sub}/entries?limit=100`);
    return (body.entries as { type: string; amount: number; reference?: string }[]).filter((entry) => entry.reference === orderId);
  };
  const mail = () => new Outbox(cloud.endpoints.outbox.dir).list({ to: customerEmail });

  let abandonedId: string;

  it(
    'makes two orders; the first reaches the review gate',
    async () => {
      const [first, second] = await Promise.all([confirmed(['boardroom-blue']), confirmed(['corporate-grey'])]);
      abandonedId = second;
      // The second goes on in the background: nobody will review it.
      reviewed = await status(first, ['PENDING_REVIEW', 'FAILED'], PRODUCTION_MS);
      expect(reviewed.status).toBe('PENDING_REVIEW');
    },
    PRODUCTION_MS + 60_000,
  );

  it('lists the order for artists to take; an artist takes it and sees its images beside the selfies', async () => {
    const queue = await eventually(async () => {
      const { body } = await artist.call('GET', '/v1/admin/reviews?assigned=unassigned');
      const ids = (body.reviews as { orderId: string }[]).map((r) => r.orderId);
      return ids.includes(reviewed.orderId) ? ids : undefined;
    }, 30_000, 'the order in the review queue');
    expect(queue.length).toBeGreaterThanOrEqual(1);

    // Before it is assigned, the artist cannot open it; a customer never can.
    expect((await artist.call('GET', `/v1/admin/orders/${reviewed.orderId}/images`)).status).toBe(404);
    expect((await customer.call('GET', `/v1/admin/orders/${reviewed.orderId}/images`)).status).toBe(403);

    const taken = await artist.call('PUT', `/v1/admin/orders/${reviewed.orderId}/assignment`, { artistId: 'me' });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ orderId: reviewed.orderId, assignedEmail: demoUser(cloud.endpoints, 'artist').email });

    const listed = await artist.call('GET', `/v1/admin/orders/${reviewed.orderId}/images`);
    expect(listed.status).toBe(200);
    expect((listed.body.selfies as unknown[]).length).toBeGreaterThan(0);
    expect(listed.body.review).toMatchObject({ toDecide: reviewed.imagesKept, approved: 0, rejected: 0 });
  });

  it('decides every kept image, refuses an early delivery and the approval of a set-aside image, then delivers once', async () => {
    const images = (await artist.call('GET', `/v1/admin/orders/${reviewed.orderId}/images`)).body.images as ReviewImageView[];
    const kept = images.filter((image) => image.status === 'KEPT');
    const setAside = images.filter((image) => image.status === 'REJECTED');
    expect(kept.length).toBeGreaterThanOrEqual(2);
    if (setAside.length) {
      const refused = await artist.call('POST', `/v1/admin/images/${setAside[0]!.reviewImageId}/review`, { decision: 'approve' });
      expect(refused).toMatchObject({ status: 409, body: { code: 'IMAGE_SET_ASIDE' } });
    }
    // All but the last approved; the last rejected with a reason.
    for (const image of kept.slice(0, -1)) {
      expect((await artist.call('POST', `/v1/admin/images/${image.reviewImageId}/review`, { decision: 'approve' })).status).toBe(200);
    }
    const early = await artist.call('POST', `/v1/admin/orders/${reviewed.orderId}/deliver`);
    expect(early).toMatchObject({ status: 409, body: { code: 'REVIEW_INCOMPLETE' } });
    const last = await artist.call('POST', `/v1/admin/images/${kept.at(-1)!.reviewImageId}/review`, { decision: 'reject', reason: 'The collar is cut off' });
    expect(last.body).toMatchObject({ summary: { approved: kept.length - 1, rejected: 1 } });

    const delivered = await artist.call('POST', `/v1/admin/orders/${reviewed.orderId}/deliver`);
    expect(delivered).toMatchObject({ status: 202, body: { approved: kept.length - 1, rejected: 1 } });
    const again = await admin.call('POST', `/v1/admin/orders/${reviewed.orderId}/deliver`);
    expect(again).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_IN_REVIEW' } });
  });

  it('delivers: DELIVERED, the rejected image’s credits back once, and the customer e-mailed a link that opens the ZIP', async () => {
    const order = await status(reviewed.orderId, ['DELIVERED', 'FAILED'], 120_000);
    expect(order.status).toBe('DELIVERED');
    const approved = (reviewed.imagesKept ?? 0) - 1;
    // boardroom-blue: its price covers 12 images; the customer pays for the approved ones, rounded down.
    const price = order.credits;
    const charged = Math.floor((price * approved) / 12);
    expect(await walletEntries(order.orderId)).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'refund', amount: price - charged })]));
    expect((await walletEntries(order.orderId)).filter((entry) => entry.type === 'refund')).toHaveLength(price - charged > 0 ? 1 : 0);

    const ready = await eventually(async () => mail().find((message) => message.subject.includes('are ready') && message.text?.includes(order.orderId)), 60_000, 'the headshots-ready e-mail');
    expect(ready.text).toContain(`/#/orders/${order.orderId}/gallery`);
    const zipLink = new RegExp(`${cloud.endpoints.media.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+`).exec(ready.text ?? '')?.[0];
    expect(zipLink).toBeDefined();
    const fromMail = await fetch(zipLink!);
    expect(fromMail.status).toBe(200);
    expect(fromMail.headers.get('content-type')).toBe('application/zip');
  });

  it('shows the gallery through signed links only: a tampered or unsigned link is refused as CloudFront refuses it', async () => {
    const gallery = await customer.call('GET', `/v1/orders/${reviewed.orderId}/gallery`);
    expect(gallery.status).toBe(200);
    const images = gallery.body.images as { previewUrl: string; fullUrl: string; files: { url: string; format: string }[] }[];
    expect(images).toHaveLength((reviewed.imagesKept ?? 0) - 1);
    const preview = await fetch(images[0]!.previewUrl);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    const full = await fetch(images[0]!.fullUrl);
    expect(full.headers.get('content-type')).toBe('image/jpeg');

    const unsigned = await fetch(images[0]!.previewUrl.split('?')[0]!);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingKey</Code>');
    const tampered = new URL(images[0]!.previewUrl);
    tampered.searchParams.set('Expires', String(Number(tampered.searchParams.get('Expires')) + 3600));
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');
    // Another image's path with this image's signature.
    const otherPath = images[0]!.previewUrl.replace(/\/preview\.webp\?/, '/master.png?');
    expect((await fetch(otherPath)).status).toBe(403);
  });

  it('downloads the ZIP: every approved image in every size and format, each matching metadata.json', async () => {
    const download = await customer.call('GET', `/v1/orders/${reviewed.orderId}/download`);
    expect(download.status).toBe(200);
    const archive = await fetch(download.body.url as string);
    expect(archive.status).toBe(200);
    const bytes = new Uint8Array(await archive.arrayBuffer());
    expect(bytes.length).toBe(download.body.size);
    const entries = unzipSync(bytes);
    const metadata = JSON.parse(new TextDecoder().decode(entries['metadata.json'])) as {
      order: { orderId: string; studioName: string };
      images: { pose: string; seed: number; engine: string; identityScore: number; files: { path: string; size: number; sha256: string }[] }[];
    };
    expect(metadata.order).toMatchObject({ orderId: reviewed.orderId, studioName: reviewed.studioName });
    expect(metadata.images).toHaveLength((reviewed.imagesKept ?? 0) - 1);
    const files = metadata.images.flatMap((image) => image.files);
    expect(Object.keys(entries).sort()).toEqual([...files.map((file) => file.path), 'metadata.json'].sort());
    for (const file of files) {
      expect(entries[file.path]!.length).toBe(file.size);
      expect(createHash('sha256').update(entries[file.path]!).digest('hex')).toBe(file.sha256);
    }
    // Built once: a second download names the same archive.
    expect((await customer.call('GET', `/v1/orders/${reviewed.orderId}/download`)).body.fileName).toBe(download.body.fileName);
  });

  it(
    'fails the order nobody reviewed in time: FAILED with the reason, every credit back once, the customer told',
    async () => {
      abandoned = await status(abandonedId, ['PENDING_REVIEW', 'FAILED'], PRODUCTION_MS);
      expect(abandoned.status).toBe('PENDING_REVIEW');
      const order = await status(abandonedId, ['FAILED', 'DELIVERED'], (REVIEW_WAIT_SECONDS + 120) * 1000);
      expect(order).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('No studio artist reviewed your headshots in time') });
      const refunds = (await walletEntries(order.orderId)).filter((entry) => entry.type === 'refund');
      expect(refunds.reduce((sum, entry) => sum + entry.amount, 0)).toBe(order.credits);
      const told = await eventually(async () => mail().find((message) => message.subject.includes('could not be completed') && message.text?.includes(order.orderId)), 30_000, 'the failure e-mail');
      expect(told.text).toContain(`${order.credits} credits`);
      // It left the review queue.
      const { body } = await admin.call('GET', '/v1/admin/reviews');
      expect((body.reviews as { orderId: string }[]).map((r) => r.orderId)).not.toContain(order.orderId);
      expect((await customer.call('GET', `/v1/orders/${order.orderId}/gallery`)).body).toMatchObject({ code: 'ORDER_NOT_DELIVERED' });
    },
    PRODUCTION_MS + (REVIEW_WAIT_SECONDS + 180) * 1000,
  );
});
