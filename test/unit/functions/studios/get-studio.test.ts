import '../../helpers/env';
import { getStudioAdminHandler } from '#functions/studios/get-studio-admin.handler';
import { getStudioHandler } from '#functions/studios/get-studio.handler';
import type { StudioView } from '#shared/studios';
import { adminClaims, type Claims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeStudioStore } from '../../helpers/fake-studio-store';
import { STYLES } from '../../helpers/orders';
import { fakeSign, image, STUDIO_ID, STUDIO_INPUT, studioRecord, styleRecord } from '../../helpers/studios';

const IMAGES = [image('ref-1', 'reference'), image('sample-1'), image('sample-2')];

function seeded(): FakeStudioStore {
  return new FakeStudioStore().seed(studioRecord(), [styleRecord(0, IMAGES), styleRecord(1, [image('ref-2', 'reference', STUDIO_ID, 'studio-black')])]);
}

describe('Function: GetStudio', () => {
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof getStudioHandler>;
  const get = (studioId = STUDIO_ID, claims: Claims | null = null) => makeEvent({ routeKey: 'GET /v1/studios/{studioId}', pathParameters: { studioId }, claims });

  beforeEach(() => {
    studios = seeded();
    handler = getStudioHandler({ studios, sign: fakeSign });
  });

  it('answers anyone with the studio, its styles in order and their signed sample images', async () => {
    // Act
    const response = await invoke<StudioView>(handler, get());

    // Assess
    expect(response.statusCode).toBe(200);
    const { styleId: _a, ...grey } = STYLES[0]!;
    const { styleId: _b, ...black } = STYLES[1]!;
    expect(response.body).toEqual({
      studioId: STUDIO_ID,
      ...STUDIO_INPUT,
      styleCount: 2,
      fromCredits: 12,
      coverUrl: `https://signed.test/${image('sample-1').key}`,
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
      styles: [
        {
          styleId: 'corporate-grey',
          ...grey,
          images: [
            { imageId: 'sample-1', kind: 'sample', url: `https://signed.test/${image('sample-1').key}` },
            { imageId: 'sample-2', kind: 'sample', url: `https://signed.test/${image('sample-2').key}` },
          ],
        },
        { styleId: 'studio-black', ...black, images: [] },
      ],
    });
  });

  it('never shows a customer the reference images that guide the generator', async () => {
    // Act
    const response = await invoke<StudioView>(handler, get(STUDIO_ID, customerClaims));

    // Assess
    expect(response.body.styles.flatMap((s) => s.images).map((i) => i.kind)).toEqual(['sample', 'sample']);
    expect(JSON.stringify(response.body)).not.toContain('ref-');
  });

  it('answers 404 STUDIO_NOT_FOUND for a studio that does not exist', async () => {
    // Act
    const response = await invoke(handler, get('no-such-studio'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'STUDIO_NOT_FOUND', message: 'No studio "no-such-studio" exists.' });
  });

  it('answers 400 VALIDATION_FAILED for a studio ID that is not a slug, reading nothing', async () => {
    // Act
    const response = await invoke(handler, get('North%20Light'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(studios.calls).toEqual([]);
  });
});

describe('Function: GetStudioAdmin', () => {
  let handler: ReturnType<typeof getStudioAdminHandler>;
  const get = (studioId = STUDIO_ID, claims: Claims | null = adminClaims) => makeEvent({ routeKey: 'GET /v1/admin/studios/{studioId}', pathParameters: { studioId }, claims });

  beforeEach(() => {
    handler = getStudioAdminHandler({ studios: seeded(), sign: fakeSign });
  });

  it('shows an admin the reference images too, each signed', async () => {
    // Act
    const response = await invoke<StudioView>(handler, get());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.styles.map((s) => s.images.map((i) => `${i.kind}:${i.imageId}`))).toEqual([['reference:ref-1', 'sample:sample-1', 'sample:sample-2'], ['reference:ref-2']]);
    expect(response.body.styles[0]!.images[0]!.url).toBe(`https://signed.test/${image('ref-1', 'reference').key}`);
  });

  it('answers 403 FORBIDDEN to a customer', async () => {
    // Act
    const response = await invoke(handler, get(STUDIO_ID, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, get(STUDIO_ID, null));

    // Assess
    expect(response.statusCode).toBe(401);
  });

  it('answers 404 STUDIO_NOT_FOUND for a studio that does not exist', async () => {
    // Act
    const response = await invoke(handler, get('no-such-studio'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'STUDIO_NOT_FOUND' });
  });
});
