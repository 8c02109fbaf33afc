import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { imagesFromKeys } from '../../functions/generation/layout';
import { Outbox } from '../../infra/local/mail/outbox';
import type { ReviewImageView as GeneratedImageView, ReviewImageView } from '../../shared/api/review';
import type { OrderView } from '../../shared/orders';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';

/*
 * Production end to end on the local cloud: an order goes through the gate,
 * an admin confirms, and the generation pipeline trains (the fal stand-in,
 * through the real @fal-ai/client), generates every style × pose batch of 3,
 * checks every image against the customer's selfies and processes the
 * keepers into the output layout, up to PENDING_REVIEW. An artist then takes
 * the order from the review queue, decides every image and delivers it; the
 * customer opens the gallery through signed links and downloads the ZIP
 * (every entry checked against metadata.json), with the credits of the
 * rejected image back and the e-mail in the outbox. Then production under
 * provider errors, lost and duplicated webhooks and likeness drift; nobody
 * reviews those orders, so their review times out: they fail, are refunded
 * and the customer is told.
 */

const PRODUCTION_MS = 420_000;
/** The review wait, shortened from AWS's fourteen days so the test sees one run out. */
const REVIEW_WAIT_SECONDS = 40;

describe('generation on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: CustomerApi;
  let admin: CustomerApi;
  let artist: CustomerApi;
  let customerEmail: string;
  let s3: S3Client;
  /** The order production makes first, which an artist then reviews and delivers. */
  let reviewed: OrderView;
  /** The orders made under faults, which nobody reviews. */
  let unreviewed: OrderView[] = [];

  beforeAll(async () => {
    // Lost webhooks are found by the status poll after the wait times out: seconds here, minutes on AWS.
    // The review gate waits 40 seconds instead of fourteen days.
    cloud = await startLocalCloud({
      env: { LOCAL_STEP_TIMEOUTS: `AwaitBatch=6,AwaitTraining=8,AwaitReview=${REVIEW_WAIT_SECONDS}`, LOCAL_FAL_LATENCY_MS: '300', LOCAL_FAL_TRAINING_LATENCY_MS: '800' },
    });
    const person = demoUser(cloud.endpoints, 'customer');
    customerEmail = person.email;
    customer = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, person));
    admin = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
    artist = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist')));
    s3 = new S3Client({ region: cloud.endpoints.region, endpoint: cloud.endpoints.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  }, 180_000);

  afterAll(async () => {
    s3?.destroy();
    await cloud?.stop();
  });

  const knobs = async (changes: Record<string, number>) => {
    const res = await fetch(`${cloud.endpoints.fal.url}/_local/knobs`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(changes) });
    expect(res.status).toBe(200);
  };

  const confirmed = async (styleIds: string[]): Promise<string> => {
    const order = await customer.orderAtGate(styleIds);
    const decided = await admin.call('POST', `/v1/admin/orders/${order.orderId}/decision`, { decision: 'confirm' });
    expect(decided.status).toBe(202);
    return order.orderId;
  };

  const finished = (orderId: string): Promise<OrderView> =>
    eventually(
      async () => {
        const order = await customer.order(orderId);
        return order.status === 'PENDING_REVIEW' || order.status === 'FAILED' ? order : undefined;
      },
      PRODUCTION_MS,
      `order ${orderId} to finish production`,
    );

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

  const storedImages = async (order: OrderView) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: cloud.endpoints.buckets.outputs, Prefix: `outputs/local/${order.customerId}/${order.orderId}/`, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return imagesFromKeys(keys);
  };

  const requestLog = () =>
    readFileSync(cloud.endpoints.fal.requestLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { start: number; end: number; kind: string; orderId: string | null; status: string; webhook: string });

  it(
    'trains, generates every pose of the style, keeps what looks like the customer and stores every variant, up to PENDING_REVIEW',
    async () => {
      const orderId = await confirmed(['boardroom-blue']);

      // The customer's page follows production: TRAINING, then GENERATING with n of m.
      const generating = await eventually(async () => {
        const order = await customer.order(orderId);
        return order.status === 'GENERATING' || order.status === 'PENDING_REVIEW' ? order : undefined;
      }, PRODUCTION_MS, 'generation to start');
      expect(generating.imagesPlanned).toBe(12);

      const order = await finished(orderId);
      reviewed = order;
      expect(order.status).toBe('PENDING_REVIEW');
      expect(order.timeline.map((t) => t.status).slice(-4)).toEqual(['CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW']);
      expect(order.imagesDone).toBe(12);
      expect((order.imagesKept ?? 0) + (order.imagesRejected ?? 0)).toBe(12);
      expect(order.imagesKept).toBeGreaterThan(0);

      // Every settled image has its preview, master and 300 DPI deliverables in the layout, and nothing else is there.
      const { images, foreign } = await storedImages(order);
      expect(foreign).toEqual([]);
      expect(images).toHaveLength(12);
      for (const image of images) expect(Object.keys(image.variants).sort()).toEqual(['master.png', 'preview.webp', 'print.jpg', 'print.png']);
      expect(new Set(images.map((i) => i.imageId.replace(/-\d$/, '')))).toEqual(new Set(['boardroom-blue-front', 'boardroom-blue-three-quarter-left', 'boardroom-blue-three-quarter-right', 'boardroom-blue-shoulders']));

      // Admins see each image with its identity score, seed, attempts and list price, and a preview that loads.
      const listed = await admin.call('GET', `/v1/admin/orders/${orderId}/images`);
      expect(listed.status).toBe(200);
      const records = listed.body.images as GeneratedImageView[];
      expect(records).toHaveLength(12);
      for (const record of records) {
        expect(record.attempts.length).toBeGreaterThanOrEqual(1);
        expect(record.identityScore).toBe(record.attempts.at(-1)!.similarity);
        expect(record.status === 'KEPT').toBe(record.identityScore >= record.identityThreshold);
        expect(record.listPriceUsd).toBeGreaterThan(0);
        expect(typeof record.seed).toBe('number');
      }
      const preview = await fetch(records[0]!.previewUrl);
      expect(preview.status).toBe(200);
      expect(preview.headers.get('content-type')).toBe('image/webp');
      expect((await customer.call('GET', `/v1/admin/orders/${orderId}/images`)).status).toBe(403);

      // One training and at least one call per pose, each logged by the stand-in.
      const calls = requestLog().filter((line) => line.orderId === orderId);
      expect(calls.filter((c) => c.kind === 'train')).toHaveLength(1);
      expect(calls.filter((c) => c.kind === 'generate').length).toBeGreaterThanOrEqual(4);
    },
    PRODUCTION_MS + 120_000,
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
    'brings every order to PENDING_REVIEW or FAILED with a reason under provider errors, lost and duplicated webhooks and likeness drift, with no slot lost or made twice',
    async () => {
      await knobs({ errorRate: 0.3, dropWebhookRate: 0.2, duplicateWebhooks: 2, driftRate: 0.3, seed: 7 });
      const orderIds = [await confirmed(['corporate-grey']), await confirmed(['corporate-grey'])];
      const orders = await Promise.all(orderIds.map(finished));
      unreviewed = orders.filter((order) => order.status === 'PENDING_REVIEW');
      // Faults at these rates are retried away: an order may fail only for a reason production gives (the
      // provider failing a batch five times, or no image passing the lock), never for an error of ours.
      expect(orders.some((order) => order.status === 'PENDING_REVIEW')).toBe(true);
      for (const order of orders) {
        if (order.status === 'FAILED') {
          expect(order.failureReason).toMatch(/image service failed several times|looked enough like you/);
          continue;
        }
        expect(order.imagesDone).toBe(order.imagesPlanned);
        const { images } = await storedImages(order);
        expect(images).toHaveLength(order.imagesPlanned!);
        expect(new Set(images.map((i) => i.imageId)).size).toBe(images.length);
      }
      const calls = requestLog().filter((line) => line.orderId && orderIds.includes(line.orderId));
      // The faults did happen: failed calls, and calls whose webhook never came.
      expect(calls.some((c) => c.status === 'ERROR')).toBe(true);
      expect(calls.some((c) => c.webhook === 'dropped')).toBe(true);
      // The identity lock sent drifted images back: some slots took more than one attempt, each recorded with its score.
      const images = (await Promise.all(orderIds.map(async (id) => (await admin.call('GET', `/v1/admin/orders/${id}/images`)).body.images as GeneratedImageView[]))).flat();
      const retried = images.filter((image) => image.attempts.length > 1);
      expect(retried.length).toBeGreaterThan(0);
      for (const image of retried) expect(image.attempts.slice(0, -1).every((a) => a.similarity < image.identityThreshold)).toBe(true);
    },
    2 * PRODUCTION_MS,
  );

  it('refuses a forged webhook and records nothing', async () => {
    const body = JSON.stringify({ request_id: 'forged', status: 'OK', payload: {} });
    const res = await fetch(`${cloud.endpoints.api}/v1/webhooks/fal`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-fal-webhook-request-id': 'forged',
        'x-fal-webhook-user-id': 'someone',
        'x-fal-webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-fal-webhook-signature': 'ab'.repeat(64),
      },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });
  it(
    'fails the order nobody reviewed in time: FAILED with the reason, every credit back once, the customer told',
    async () => {
      expect(unreviewed.length).toBeGreaterThan(0);
      const order = await status(unreviewed[0]!.orderId, ['FAILED', 'DELIVERED'], (REVIEW_WAIT_SECONDS + 120) * 1000);
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
    (REVIEW_WAIT_SECONDS + 180) * 1000,
  );
});
