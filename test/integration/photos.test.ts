import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import type { OrderView } from '../../shared/orders';
import { demoUser, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi, testFaces } from '../support/order-flow';

jest.setTimeout(300_000);

/**
 * A whole wizard's worth of uploads through the HTTP API and the S3 front of the
 * local cloud: good and bad photos, each checked as it lands, then the order to
 * the confirmation gate; an order with only bad photos goes back as
 * NEEDS_NEW_PHOTOS; refused uploads write nothing.
 */
describe('photos on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: CustomerApi;
  let adminToken: string;
  let s3: S3Client;
  const keysUnder = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: cloud.endpoints.buckets.uploads, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  const draft = async (styleIds = ['corporate-grey']) => {
    const created = await customer.call('POST', '/v1/orders', { studioId: 'north-light-studio', styleIds });
    expect(created.status).toBe(201);
    return created.body as unknown as OrderView;
  };

  beforeAll(async () => {
    cloud = await startLocalCloud();
    customer = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer')));
    adminToken = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin'));
    s3 = new S3Client({ region: cloud.endpoints.region, endpoint: cloud.endpoints.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('lists the seeded studios without sign-in, filters by tag, and signs links to their sample pictures', async () => {
    const all = (await (await fetch(`${cloud.endpoints.api}/v1/studios`)).json()) as { studios: { studioId: string; coverUrl?: string; tags: string[] }[]; tags: string[] };
    expect(all.studios.length).toBeGreaterThanOrEqual(4);
    const outdoor = (await (await fetch(`${cloud.endpoints.api}/v1/studios?tag=outdoor`)).json()) as { studios: { tags: string[] }[] };
    expect(outdoor.studios.length).toBeGreaterThan(0);
    expect(outdoor.studios.every((s) => s.tags.includes('outdoor'))).toBe(true);
    const cover = await fetch(all.studios[0]!.coverUrl!);
    expect(cover.status).toBe(200);
    expect((await sharp(Buffer.from(await cover.arrayBuffer())).metadata()).format).toBe('jpeg');
    const studio = (await (await fetch(`${cloud.endpoints.api}/v1/studios/north-light-studio`)).json()) as { styles: { images: unknown[] }[] };
    expect(studio.styles).toHaveLength(3);
    expect(studio.styles.every((s) => s.images.length === 2)).toBe(true);
  });

  it('lets an admin create a studio and a style and add a sample picture by presigned POST, which the marketplace then shows', async () => {
    const admin = new CustomerApi(cloud.endpoints.api, adminToken);
    const created = await admin.call('POST', '/v1/admin/studios', {
      name: 'Harbour Light',
      photographer: { name: 'Ines Vidal', bio: 'Portraits by the sea, in soft northern light.' },
      description: 'Calm, bright portraits with the sea behind you.',
      tags: ['outdoor', 'calm'],
    });
    expect(created).toMatchObject({ status: 201, body: { studioId: 'harbour-light', styleCount: 0 } });
    const again = await admin.call('POST', '/v1/admin/studios', {
      name: 'Harbour  Light',
      photographer: { name: 'Someone Else', bio: 'Another photographer with the same idea.' },
      description: 'A second studio of the same name.',
      tags: ['calm'],
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'STUDIO_EXISTS' } });
    expect(
      (await customer.call('POST', '/v1/admin/studios', { name: 'Sneaky', photographer: { name: 'No One', bio: 'Not an admin at all.' }, description: 'Should not exist at all.', tags: ['x'] }))
        .status,
    ).toBe(403);

    const style = await admin.call('PUT', '/v1/admin/studios/harbour-light/styles/sea-breeze', {
      name: 'Sea breeze',
      backdrop: 'soft-focus harbour',
      wardrobe: 'linen shirt',
      lighting: 'bright overcast daylight',
      prompt: 'professional headshot portrait of the customer by a calm harbour, natural skin texture',
      priceCredits: 11,
    });
    expect(style).toMatchObject({ status: 200, body: { styleCount: 1, fromCredits: 11 } });

    const face = (await testFaces())[9]!;
    const started = await admin.call('POST', '/v1/admin/studios/harbour-light/styles/sea-breeze/images', { kind: 'sample', contentType: 'image/jpeg', size: face.jpeg.length });
    expect(started.status).toBe(201);
    const { imageId, upload } = started.body as { imageId: string; upload: { url: string; fields: Record<string, string> } };
    // Completing before the file arrived is refused.
    expect((await admin.call('POST', `/v1/admin/studios/harbour-light/styles/sea-breeze/images/${imageId}/complete`)).body).toMatchObject({ code: 'IMAGE_NOT_UPLOADED' });
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(face.jpeg)], { type: 'image/jpeg' }), 'sample.jpg');
    expect((await fetch(upload.url, { method: 'POST', body: form })).status).toBe(204);
    const completed = await admin.call('POST', `/v1/admin/studios/harbour-light/styles/sea-breeze/images/${imageId}/complete`);
    expect(completed.status).toBe(200);

    const listed = (await (await fetch(`${cloud.endpoints.api}/v1/studios?tag=calm`)).json()) as { studios: { studioId: string; coverUrl?: string }[] };
    expect(listed.studios.map((st) => st.studioId)).toEqual(['harbour-light']);
    expect((await fetch(listed.studios[0]!.coverUrl!)).status).toBe(200);

    const removed = await admin.call('DELETE', `/v1/admin/studios/harbour-light/styles/sea-breeze/images/${imageId}`);
    expect(removed.status).toBe(200);
    expect((removed.body as { coverUrl?: string }).coverUrl).toBeUndefined();
  });

  it('checks each photo as it lands and takes a good order with one bad and one duplicate photo to the gate', async () => {
    const order = await draft(['corporate-grey', 'bright-office']);
    expect(order).toMatchObject({ status: 'DRAFT', credits: 22, photoCount: 0 });
    const faces = await testFaces();
    const group = await sharp(`${require.resolve('@vladmandic/face-api/package.json').replace(/package\.json$/, '')}demo/sample1.jpg`).resize(1200).jpeg().toBuffer();
    const tiny = await sharp(faces[7]!.jpeg).resize(300).jpeg().toBuffer();
    const files = [
      ...faces.slice(0, 6).map((f) => ({ name: `${f.name}.jpg`, bytes: f.jpeg, type: 'image/jpeg' })),
      { name: 'friends.jpg', bytes: group, type: 'image/jpeg' },
      { name: 'thumbnail.jpg', bytes: tiny, type: 'image/jpeg' },
      { name: 'again.png', bytes: await sharp(faces[0]!.jpeg).resize(700).png().toBuffer(), type: 'image/png' },
    ];
    for (const file of files) {
      const { s3: posted } = await customer.upload(order.orderId, file);
      expect(posted?.status).toBe(204);
    }

    const settled = await customer.settled(order.orderId);

    const verdict = (name: string) => settled.photos!.find((p) => p.fileName === name)!;
    for (const face of faces.slice(0, 6)) expect(verdict(`${face.name}.jpg`).status).toBe('ACCEPTED');
    expect(verdict('friends.jpg')).toMatchObject({ status: 'REJECTED', reason: expect.stringMatching(/faces — upload a photo of just you/) });
    expect(verdict('thumbnail.jpg')).toMatchObject({ status: 'REJECTED', reason: expect.stringMatching(/300×300 pixels/) });
    // Checked at the same moment as its twin, a re-encoded copy may pass its own check; the pipeline catches it below.
    expect(['DUPLICATE', 'ACCEPTED']).toContain(verdict('again.png').status);
    const accepted = verdict(`${faces[0]!.name}.jpg`);
    expect(accepted.face).toEqual({ left: expect.any(Number), top: expect.any(Number), width: expect.any(Number), height: expect.any(Number) });
    // The signed link serves the normalised JPEG; the originals are gone, the normalised copies and crops stay.
    const photo = await fetch(accepted.url!);
    expect(photo.status).toBe(200);
    expect((await sharp(Buffer.from(await photo.arrayBuffer())).metadata()).exif).toBeUndefined();
    expect(await keysUnder(`originals/`)).toEqual([]);
    expect((await keysUnder('crops/')).filter((key) => key.includes(order.orderId))).toHaveLength(settled.photos!.filter((p) => p.status === 'ACCEPTED').length);

    const submitted = await customer.call('POST', `/v1/orders/${order.orderId}/submit`);
    expect(submitted).toEqual({ status: 202, body: { orderId: order.orderId, status: 'VALIDATING' } });
    const atGate = await customer.waitForStatus(order.orderId, 'PENDING_EDITOR_CONFIRMATION');
    // A near-duplicate that slipped past its own check is caught before the gate.
    expect(atGate.photos!.find((p) => p.fileName === 'again.png')!.status).toBe('DUPLICATE');
    expect(atGate.timeline.map((t) => t.status)).toEqual(['DRAFT', 'VALIDATING', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION']);

    // The admin sees every photo with its verdict and face box; photos can no longer change.
    const asAdmin = (await (await fetch(`${cloud.endpoints.api}/v1/orders/${order.orderId}`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as OrderView;
    expect(asAdmin.photos).toHaveLength(9);
    expect(asAdmin).not.toHaveProperty('taskToken');
    const late = await customer.call('POST', `/v1/orders/${order.orderId}/photos`, { fileName: 'late.jpg', contentType: 'image/jpeg', size: 1000 });
    expect(late).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_EDITABLE' } });
  });

  it('sends an order with only bad photos back as NEEDS_NEW_PHOTOS, saying what is missing', async () => {
    const order = await draft();
    const group = await sharp(`${require.resolve('@vladmandic/face-api/package.json').replace(/package\.json$/, '')}demo/sample2.jpg`).resize(1000).jpeg().toBuffer();
    await customer.upload(order.orderId, { name: 'party.jpg', bytes: group, type: 'image/jpeg' });
    await customer.settled(order.orderId);

    expect((await customer.call('POST', `/v1/orders/${order.orderId}/submit`)).status).toBe(202);
    const back = await customer.waitForStatus(order.orderId, 'NEEDS_NEW_PHOTOS');

    expect(back.missing).toBe('0 of 6 photos accepted: upload 6 more clear photos of just you.');
    expect(back.photos![0]).toMatchObject({ status: 'REJECTED' });
    // The customer can add photos again.
    expect((await customer.call('POST', `/v1/orders/${order.orderId}/photos`, { fileName: 'next.jpg', contentType: 'image/jpeg', size: 1000 })).status).toBe(201);
  });

  it('refuses bad uploads, writing nothing', async () => {
    const order = await draft();
    const face = (await testFaces())[8]!;
    // The API refuses a type or size outside the limits before any record exists.
    const gif = await customer.call('POST', `/v1/orders/${order.orderId}/photos`, { fileName: 'a.gif', contentType: 'image/gif', size: 100 });
    expect(gif).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/JPEG, PNG, WebP or HEIC/) } });
    const huge = await customer.call('POST', `/v1/orders/${order.orderId}/photos`, { fileName: 'a.jpg', contentType: 'image/jpeg', size: 26 * 1024 * 1024 });
    expect(huge.status).toBe(400);
    expect((await customer.order(order.orderId)).photoCount).toBe(0);

    // S3 refuses an upload that breaks the policy: here another Content-Type than the one signed.
    const wrongType = await customer.upload(order.orderId, { name: 'face.jpg', bytes: face.jpeg, type: 'image/jpeg' }, { fields: { 'Content-Type': 'image/svg+xml' } });
    expect(wrongType.s3?.status).toBe(403);
    expect(wrongType.s3?.body).toMatch(/Policy Condition failed/);
    const before = await keysUnder('originals/');
    expect(before).toEqual([]);
    // Its record stays UPLOADING until removed; removing it deletes every trace.
    const removed = await customer.call('DELETE', `/v1/orders/${order.orderId}/photos/${wrongType.photoId}`);
    expect(removed).toEqual({ status: 200, body: { orderId: order.orderId, photoId: wrongType.photoId, photoCount: 0 } });
    expect((await customer.order(order.orderId)).photos).toEqual([]);

    // Someone else's order is not found; a submit without photos is refused.
    expect((await customer.call('POST', '/v1/orders/00000000-0000-4000-8000-000000000000/photos', { fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 })).status).toBe(404);
    expect(await customer.call('POST', `/v1/orders/${order.orderId}/submit`)).toMatchObject({ status: 409, body: { code: 'NO_PHOTOS' } });
  });
});
