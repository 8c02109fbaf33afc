import '../../helpers/env';
import { listStudiosHandler } from '#functions/studios/list-studios.handler';
import type { StudioSummary } from '#shared/studios';
import { invoke, makeEvent } from '../../helpers/events';
import { FakeStudioStore } from '../../helpers/fake-studio-store';
import { fakeSign, image, STUDIO_INPUT, studioRecord, styleRecord } from '../../helpers/studios';

type Listing = { studios: StudioSummary[]; nextCursor?: string; tags: string[] };
const list = (queryStringParameters?: Record<string, string>) => makeEvent({ routeKey: 'GET /v1/studios', claims: null, queryStringParameters });

describe('Function: ListStudios', () => {
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof listStudiosHandler>;

  beforeEach(() => {
    studios = new FakeStudioStore()
      .seed(studioRecord({ studioId: 'north-light-studio', name: 'North Light Studio', tags: ['corporate', 'daylight'] }), [styleRecord(0, [image('cover-1')]), styleRecord(1)])
      .seed(studioRecord({ studioId: 'atelier-noir', name: 'Atelier Noir', tags: ['dramatic'] }))
      .seed(studioRecord({ studioId: 'beach-house', name: 'beach house', tags: ['outdoor', 'daylight'] }));
    handler = listStudiosHandler({ studios, sign: fakeSign });
  });

  it('answers the studios by name to anyone, with every tag in use', async () => {
    // Act
    const response = await invoke<Listing>(handler, list());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.studios.map((s) => s.studioId)).toEqual(['atelier-noir', 'beach-house', 'north-light-studio']);
    expect(response.body.tags).toEqual(['corporate', 'daylight', 'dramatic', 'outdoor']);
    expect(response.body).not.toHaveProperty('nextCursor');
  });

  it('sums each studio up with its price from, style count and a signed cover', async () => {
    // Act
    const response = await invoke<Listing>(handler, list());

    // Assess
    expect(response.body.studios[2]).toEqual({
      studioId: 'north-light-studio',
      name: 'North Light Studio',
      photographer: STUDIO_INPUT.photographer,
      description: STUDIO_INPUT.description,
      tags: ['corporate', 'daylight'],
      styleCount: 2,
      fromCredits: 12,
      coverUrl: `https://signed.test/${image('cover-1').key}`,
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    expect(response.body.studios[0]).not.toHaveProperty('coverUrl');
    expect(response.body.studios[0]).not.toHaveProperty('fromCredits');
  });

  it('never answers the storage keys or the version', async () => {
    // Act
    const response = await invoke<Listing>(handler, list());

    // Assess
    for (const studio of response.body.studios) for (const key of ['coverKey', 'version', 'createdAt']) expect(studio).not.toHaveProperty(key);
  });

  it('answers only the studios carrying the tag asked for, and still every tag', async () => {
    // Act
    const response = await invoke<Listing>(handler, list({ tag: 'daylight' }));

    // Assess
    expect(response.body.studios.map((s) => s.studioId)).toEqual(['beach-house', 'north-light-studio']);
    expect(response.body.tags).toHaveLength(4);
  });

  it('pages with `limit` and the cursor of the previous page', async () => {
    // Act
    const first = await invoke<Listing>(handler, list({ limit: '2' }));
    const second = await invoke<Listing>(handler, list({ limit: '2', cursor: first.body.nextCursor! }));

    // Assess
    expect(first.body.studios.map((s) => s.studioId)).toEqual(['atelier-noir', 'beach-house']);
    expect(second.body.studios.map((s) => s.studioId)).toEqual(['north-light-studio']);
    expect(second.body).not.toHaveProperty('nextCursor');
  });

  it.each<{ case: string; query: Record<string, string>; code: string }>([
    { case: 'a tag that is not a slug', query: { tag: 'Day Light' }, code: 'VALIDATION_FAILED' },
    { case: 'a limit of 0', query: { limit: '0' }, code: 'VALIDATION_FAILED' },
    { case: 'a limit above 100', query: { limit: '101' }, code: 'VALIDATION_FAILED' },
    { case: 'an unknown parameter', query: { sort: 'price' }, code: 'UNKNOWN_PARAMETER' },
  ])('answers 400 $code for $case, reading nothing', async ({ query, code }) => {
    // Act
    const response = await invoke(handler, list(query));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code });
    expect(studios.calls).toEqual([]);
  });

  it('answers 400 INVALID_CURSOR for a cursor it did not hand out', async () => {
    // Act
    const response = await invoke(handler, list({ cursor: 'bm90LWEtY3Vyc29y' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('answers 500 INTERNAL_ERROR when the tags cannot be read', async () => {
    // Prepare
    studios.failNext('allTags', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, list());

    // Assess
    expect(response.statusCode).toBe(500);
  });
});
