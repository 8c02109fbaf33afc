import '../../helpers/env';
import { createStudioHandler } from '#functions/studios/create-studio.handler';
import { putStyleHandler } from '#functions/studios/put-style.handler';
import { updateStudioHandler } from '#functions/studios/update-studio.handler';
import { MAX_STYLES_PER_STUDIO, type StudioView } from '#shared/studios';
import { adminClaims, type Claims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeStudioStore } from '../../helpers/fake-studio-store';
import { fakeSign, image, STUDIO_ID, STUDIO_INPUT, studioRecord, styleInput, styleRecord } from '../../helpers/studios';

describe('Function: CreateStudio', () => {
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof createStudioHandler>;
  const create = (body: unknown, claims: Claims | null = adminClaims) => makeEvent({ routeKey: 'POST /v1/admin/studios', body, claims });

  beforeEach(() => {
    studios = new FakeStudioStore();
    handler = createStudioHandler({ studios, sign: fakeSign });
  });

  it('answers 201 with the new studio, its ID made from its name', async () => {
    // Act
    const response = await invoke<StudioView>(handler, create({ ...STUDIO_INPUT, name: '  Café Lumière & Co. ' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({
      studioId: 'cafe-lumiere-co',
      ...STUDIO_INPUT,
      name: 'Café Lumière & Co.',
      styleCount: 0,
      styles: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(studios.peek('cafe-lumiere-co')!.studio.name).toBe('Café Lumière & Co.');
  });

  it('answers 409 STUDIO_EXISTS for a name whose ID is taken, keeping the first studio', async () => {
    // Prepare
    studios.seed(studioRecord());

    // Act
    const response = await invoke(handler, create({ ...STUDIO_INPUT, name: 'north light STUDIO', description: 'Another description entirely.' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'STUDIO_EXISTS', message: 'A studio with the ID "north-light-studio" exists already; choose another name.' });
    expect(studios.peek(STUDIO_ID)!.studio.description).toBe(STUDIO_INPUT.description);
  });

  it('answers 400 VALIDATION_FAILED for a name without a letter or digit, creating nothing', async () => {
    // Act
    const response = await invoke(handler, create({ ...STUDIO_INPUT, name: '★ ★ ★' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: 'name: use at least one letter or digit, so the studio gets an ID.' });
    expect(studios.methodsCalled()).toEqual([]);
  });

  it.each([
    { case: 'no tags', body: { ...STUDIO_INPUT, tags: [] } },
    { case: 'a tag twice', body: { ...STUDIO_INPUT, tags: ['daylight', 'daylight'] } },
    { case: 'a tag that is not a slug', body: { ...STUDIO_INPUT, tags: ['Day Light'] } },
    { case: 'nine tags', body: { ...STUDIO_INPUT, tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] } },
    { case: 'a short bio', body: { ...STUDIO_INPUT, photographer: { name: 'Ines', bio: 'short' } } },
    { case: 'a description with control characters', body: { ...STUDIO_INPUT, description: 'Soft daylight\u0007 portraits for all' } },
    { case: 'an unknown field', body: { ...STUDIO_INPUT, studioId: 'chosen-id' } },
  ])('answers 400 VALIDATION_FAILED for $case, creating nothing', async ({ body }) => {
    // Act
    const response = await invoke(handler, create(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(studios.calls).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a customer, creating nothing', async () => {
    // Act
    const response = await invoke(handler, create(STUDIO_INPUT, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(studios.calls).toEqual([]);
  });
});

describe('Function: UpdateStudio', () => {
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof updateStudioHandler>;
  const update = (body: unknown, studioId = STUDIO_ID, claims: Claims | null = adminClaims) =>
    makeEvent({ routeKey: 'PUT /v1/admin/studios/{studioId}', pathParameters: { studioId }, body, claims });

  beforeEach(() => {
    studios = new FakeStudioStore().seed(studioRecord(), [styleRecord(0, [image('ref-1', 'reference'), image('sample-1')])]);
    handler = updateStudioHandler({ studios, sign: fakeSign });
  });

  it('answers 200 with the studio as it is now, styles and reference images included', async () => {
    // Act
    const response = await invoke<StudioView>(handler, update({ ...STUDIO_INPUT, name: 'North Light Loft', tags: ['loft'] }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ studioId: STUDIO_ID, name: 'North Light Loft', tags: ['loft'], styleCount: 1, fromCredits: 12 });
    expect(response.body.styles[0]!.images.map((i) => i.imageId)).toEqual(['ref-1', 'sample-1']);
    expect(studios.peek(STUDIO_ID)!.studio).toMatchObject({ name: 'North Light Loft', tags: ['loft'] });
  });

  it('keeps the ID when the name changes', async () => {
    // Act
    await invoke(handler, update({ ...STUDIO_INPUT, name: 'Completely Different' }));

    // Assess
    expect(studios.peek('completely-different')).toBeUndefined();
    expect(studios.peek(STUDIO_ID)!.studio.name).toBe('Completely Different');
  });

  it('answers 404 STUDIO_NOT_FOUND for a studio that does not exist, creating nothing', async () => {
    // Act
    const response = await invoke(handler, update(STUDIO_INPUT, 'no-such-studio'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'STUDIO_NOT_FOUND' });
    expect(studios.peek('no-such-studio')).toBeUndefined();
  });

  it('answers 400 VALIDATION_FAILED for a partial body (the studio is replaced, not patched)', async () => {
    // Act
    const response = await invoke(handler, update({ name: 'Only a name' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(studios.calls).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a customer', async () => {
    // Act
    const response = await invoke(handler, update(STUDIO_INPUT, STUDIO_ID, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(studios.calls).toEqual([]);
  });
});

describe('Function: PutStyle', () => {
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof putStyleHandler>;
  const put = (styleId: string, body: unknown, studioId = STUDIO_ID, claims: Claims | null = adminClaims) =>
    makeEvent({ routeKey: 'PUT /v1/admin/studios/{studioId}/styles/{styleId}', pathParameters: { studioId, styleId }, body, claims });

  beforeEach(() => {
    studios = new FakeStudioStore().seed(studioRecord(), [styleRecord(0, [image('sample-1')])]);
    handler = putStyleHandler({ studios, sign: fakeSign });
  });

  it('adds a style and answers the studio with it, its price from updated', async () => {
    // Act
    const response = await invoke<StudioView>(handler, put('budget-look', styleInput(5, { name: 'Budget look' })));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.styles.map((s) => s.styleId)).toEqual(['corporate-grey', 'budget-look']);
    expect(response.body.styles[1]).toEqual({ styleId: 'budget-look', ...styleInput(5, { name: 'Budget look' }), images: [] });
    expect(response.body).toMatchObject({ styleCount: 2, fromCredits: 5 });
  });

  it('replaces a style, keeping its images', async () => {
    // Act
    const response = await invoke<StudioView>(handler, put('corporate-grey', styleInput(30)));

    // Assess
    expect(response.body.styles).toHaveLength(1);
    expect(response.body.styles[0]).toMatchObject({ priceCredits: 30, images: [{ imageId: 'sample-1', kind: 'sample', url: expect.any(String) }] });
  });

  it(`answers 409 TOO_MANY_STYLES for a ${MAX_STYLES_PER_STUDIO + 1}th style`, async () => {
    // Prepare
    for (let i = 1; i < MAX_STYLES_PER_STUDIO; i++) await studios.putStyle(STUDIO_ID, `style-${i}`, styleInput());

    // Act
    const response = await invoke(handler, put('one-more', styleInput()));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'TOO_MANY_STYLES' });
    expect(studios.peek(STUDIO_ID)!.styles).toHaveLength(MAX_STYLES_PER_STUDIO);
  });

  it('answers 404 STUDIO_NOT_FOUND for a studio that does not exist', async () => {
    // Act
    const response = await invoke(handler, put('corporate-grey', styleInput(), 'no-such-studio'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'STUDIO_NOT_FOUND' });
  });

  it.each([
    { case: 'a price of 0', body: styleInput(0) },
    { case: 'a fractional price', body: styleInput(1.5) },
    { case: 'a price above 1,000', body: styleInput(1001) },
    { case: 'a short prompt', body: styleInput(10, { prompt: 'too short' }) },
    { case: 'images in the body', body: { ...styleInput(), images: [] } },
  ])('answers 400 VALIDATION_FAILED for $case, changing nothing', async ({ body }) => {
    // Act
    const response = await invoke(handler, put('corporate-grey', body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(studios.calls).toEqual([]);
  });

  it('answers 400 VALIDATION_FAILED for a style ID that is not a slug', async () => {
    // Act
    const response = await invoke(handler, put('Corporate_Grey', styleInput()));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(studios.calls).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a customer', async () => {
    // Act
    const response = await invoke(handler, put('corporate-grey', styleInput(), STUDIO_ID, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
  });
});
