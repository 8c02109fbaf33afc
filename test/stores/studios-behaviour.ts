import { randomUUID } from 'node:crypto';
import { StudioConflictError, type Studios } from '#functions/studios/studio-store';
import { MAX_STYLE_IMAGES, MAX_STYLES_PER_STUDIO, type StudioInput } from '#shared/studios';
import { image, STUDIO_INPUT, styleInput } from '../unit/helpers/studios';

/**
 * The observable behaviour of the studio store, as handlers rely on it. It runs
 * against `StudioStore` on DynamoDB Local (test/stores/studio-store.test.ts)
 * and against the in-memory fake handler tests use
 * (test/unit/helpers/fake-studio-store.test.ts). Every test makes its own
 * studios (and, for lists, its own tag), so one store may serve all of them.
 */
export function describeStudiosBehaviour(openStore: () => Studios): void {
  let store: Studios;

  beforeEach(() => {
    store = openStore();
  });

  const newId = (name = 'studio') => `${name}-${randomUUID().slice(0, 8)}`;
  /** A tag no other test uses. */
  const newTag = () => `t-${randomUUID().slice(0, 8)}`;

  async function newStudio(input: Partial<StudioInput> = {}): Promise<string> {
    const studioId = newId();
    await store.create(studioId, { ...STUDIO_INPUT, ...input });
    return studioId;
  }

  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  describe('Method: create', () => {
    it('stores a studio without styles, answering the record', async () => {
      // Prepare
      const studioId = newId();

      // Act
      const record = await store.create(studioId, STUDIO_INPUT, '2030-01-01T00:00:00.000Z');

      // Assess
      expect(record).toEqual({ ...STUDIO_INPUT, studioId, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', styleCount: 0, version: 0 });
      expect(await store.get(studioId)).toEqual({ studio: record, styles: [] });
    });

    it('refuses an ID that exists with STUDIO_EXISTS and keeps the first studio', async () => {
      // Prepare
      const studioId = await newStudio();

      // Act
      const error = await rejection(store.create(studioId, { ...STUDIO_INPUT, name: 'Someone Else' }));

      // Assess
      expect(error).toBeInstanceOf(StudioConflictError);
      expect(error).toMatchObject({ reason: 'STUDIO_EXISTS' });
      expect((await store.get(studioId))!.studio.name).toBe(STUDIO_INPUT.name);
    });
  });

  describe('Method: get', () => {
    it('answers undefined for a studio that does not exist', async () => {
      // Act & Assess
      expect(await store.get(newId())).toBeUndefined();
    });

    it('answers the studio and its styles without table or index keys', async () => {
      // Prepare
      const studioId = await newStudio();
      await store.putStyle(studioId, 'corporate-grey', styleInput());

      // Act
      const found = (await store.get(studioId))!;

      // Assess
      for (const key of ['pk', 'sk', 'gsi1pk', 'gsi1sk']) {
        expect(found.studio).not.toHaveProperty(key);
        expect(found.styles[0]).not.toHaveProperty(key);
      }
    });
  });

  describe('Method: update', () => {
    it("replaces the studio's own fields and keeps its styles and summary", async () => {
      // Prepare
      const studioId = await newStudio();
      await store.putStyle(studioId, 'corporate-grey', styleInput(9));
      const before = (await store.get(studioId))!;
      const input = { ...STUDIO_INPUT, name: 'South Light Studio', tags: ['outdoor'] };

      // Act
      await store.update(studioId, input);

      // Assess
      const after = (await store.get(studioId))!;
      expect(after.studio).toMatchObject({ ...input, styleCount: 1, fromCredits: 9, createdAt: before.studio.createdAt, version: before.studio.version + 1 });
      expect(after.studio.updatedAt >= before.studio.updatedAt).toBe(true);
      expect(after.styles).toEqual(before.styles);
    });

    it('refuses a studio that does not exist with STUDIO_NOT_FOUND, creating nothing', async () => {
      // Prepare
      const studioId = newId();

      // Act
      const error = await rejection(store.update(studioId, STUDIO_INPUT));

      // Assess
      expect(error).toMatchObject({ reason: 'STUDIO_NOT_FOUND' });
      expect(await store.get(studioId)).toBeUndefined();
    });

    it('moves the studio in the marketplace list with its new name', async () => {
      // Prepare
      const tag = newTag();
      const first = await newStudio({ name: 'Aaa first', tags: [tag] });
      const second = await newStudio({ name: 'Bbb second', tags: [tag] });

      // Act
      await store.update(first, { ...STUDIO_INPUT, name: 'Ccc renamed', tags: [tag] });

      // Assess
      expect((await store.list({ limit: 10, tag })).items.map((s) => s.studioId)).toEqual([second, first]);
    });
  });

  describe('Method: list', () => {
    it('answers the studios carrying a tag, by name whatever its case, then by ID', async () => {
      // Prepare
      const tag = newTag();
      const b = await newStudio({ name: 'bravo', tags: [tag] });
      const a = await newStudio({ name: 'Alpha', tags: ['other', tag] });
      const c = await newStudio({ name: 'Charlie', tags: [tag] });
      await newStudio({ name: 'Alpha untagged', tags: [newTag()] });

      // Act
      const page = await store.list({ limit: 10, tag });

      // Assess
      expect(page.items.map((s) => s.studioId)).toEqual([a, b, c]);
      expect(page.nextCursor).toBeUndefined();
    });

    it('answers a page of `limit` studios and a cursor from which the next page continues', async () => {
      // Prepare
      const tag = newTag();
      const ids: string[] = [];
      for (const name of ['Delta one', 'Delta two', 'Delta three']) ids.push(await newStudio({ name, tags: [tag] }));

      // Act
      const first = await store.list({ limit: 2, tag });
      const second = await store.list({ limit: 2, tag, cursor: first.nextCursor });

      // Assess
      expect(first.items.map((s) => s.studioId)).toEqual([ids[0], ids[2]]);
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(second.items.map((s) => s.studioId)).toEqual([ids[1]]);
      expect(second.nextCursor).toBeUndefined();
    });

    it('fills each page with tagged studios when untagged ones lie between them', async () => {
      // Prepare: the filter drops the untagged ones after the read, so a page may need several reads.
      const tag = newTag();
      const tagged: string[] = [];
      for (const letter of ['a', 'c', 'e']) {
        tagged.push(await newStudio({ name: `Echo ${letter}`, tags: [tag] }));
        await newStudio({ name: `Echo ${letter}b`, tags: [newTag()] });
      }

      // Act
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ limit: 1, tag, cursor });
        seen.push(...page.items.map((s) => s.studioId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);

      // Assess
      expect(seen).toEqual(tagged);
    });

    it('hands out no cursor after a full page when nothing follows', async () => {
      // Prepare
      const tag = newTag();
      for (const name of ['Foxtrot one', 'Foxtrot two']) await newStudio({ name, tags: [tag] });

      // Act
      const page = await store.list({ limit: 2, tag });

      // Assess
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toBeUndefined();
    });

    it('answers the summary of each studio', async () => {
      // Prepare
      const tag = newTag();
      const studioId = await newStudio({ tags: [tag] });
      await store.putStyle(studioId, 'corporate-grey', styleInput(7));

      // Act
      const [studio] = (await store.list({ limit: 5, tag })).items;

      // Assess
      expect(studio).toMatchObject({ studioId, styleCount: 1, fromCredits: 7 });
      expect(studio).not.toHaveProperty('gsi1sk');
    });

    it.each([
      { case: 'not base64 JSON', cursor: 'bm90LWpzb24' },
      { case: 'a key of another list', cursor: Buffer.from(JSON.stringify({ pk: 'ORDER#x', sk: 'ORDER', gsi1pk: 'CUSTOMER#someone', gsi1sk: 'x' })).toString('base64url') },
    ])('refuses a cursor that is $case with INVALID_CURSOR', async ({ cursor }) => {
      // Act
      const error = await rejection(store.list({ limit: 2, cursor }));

      // Assess
      expect(error).toMatchObject({ code: 'INVALID_CURSOR' });
    });
  });

  describe('Method: allTags', () => {
    it('answers every tag in use once, sorted', async () => {
      // Prepare
      const [x, y, z] = [newTag(), newTag(), newTag()].sort();
      await newStudio({ tags: [z!, x!] });
      await newStudio({ tags: [y!, x!] });

      // Act
      const tags = await store.allTags();

      // Assess
      expect(tags).toEqual(expect.arrayContaining([x, y, z]));
      expect(tags).toEqual([...new Set(tags)].sort());
    });
  });

  describe('Method: putStyle', () => {
    it('adds a style without images and sums it up on the studio', async () => {
      // Prepare
      const studioId = await newStudio();

      // Act
      await store.putStyle(studioId, 'corporate-grey', styleInput(12));

      // Assess
      const { studio, styles } = (await store.get(studioId))!;
      expect(styles).toEqual([{ ...styleInput(12), studioId, styleId: 'corporate-grey', images: [], createdAt: expect.any(String), updatedAt: expect.any(String) }]);
      expect(studio).toMatchObject({ styleCount: 1, fromCredits: 12, version: 1 });
      expect(studio).not.toHaveProperty('coverKey');
    });

    it('keeps the pose set a style is generated in', async () => {
      // Prepare
      const studioId = await newStudio();

      // Act
      await store.putStyle(studioId, 'corporate-grey', { ...styleInput(12), poseSet: 'editorial' });

      // Assess
      expect((await store.get(studioId))!.styles[0]).toMatchObject({ poseSet: 'editorial' });
    });

    it('replaces a style, keeping its images and when it was created', async () => {
      // Prepare
      const studioId = await newStudio();
      await store.putStyle(studioId, 'corporate-grey', styleInput(12));
      await store.addImage(studioId, 'corporate-grey', image('img-1', 'sample', studioId));
      const before = (await store.get(studioId))!.styles[0]!;

      // Act
      await store.putStyle(studioId, 'corporate-grey', styleInput(20, { name: 'Corporate grey, renamed' }));

      // Assess
      const { studio, styles } = (await store.get(studioId))!;
      expect(styles).toHaveLength(1);
      expect(styles[0]).toMatchObject({ name: 'Corporate grey, renamed', priceCredits: 20, images: [image('img-1', 'sample', studioId)], createdAt: before.createdAt });
      expect(studio).toMatchObject({ styleCount: 1, fromCredits: 20 });
    });

    it("keeps the studio's price at its cheapest style's", async () => {
      // Prepare
      const studioId = await newStudio();
      await store.putStyle(studioId, 'style-a', styleInput(30));
      await store.putStyle(studioId, 'style-b', styleInput(10));

      // Act
      await store.putStyle(studioId, 'style-b', styleInput(40));

      // Assess
      expect((await store.get(studioId))!.studio).toMatchObject({ styleCount: 2, fromCredits: 30 });
    });

    it(`refuses a style beyond ${MAX_STYLES_PER_STUDIO} with TOO_MANY_STYLES, and still replaces an existing one`, async () => {
      // Prepare
      const studioId = await newStudio();
      for (let i = 0; i < MAX_STYLES_PER_STUDIO; i++) await store.putStyle(studioId, `style-${String(i).padStart(2, '0')}`, styleInput(10 + i));

      // Act
      const error = await rejection(store.putStyle(studioId, 'one-too-many', styleInput(1)));
      await store.putStyle(studioId, 'style-00', styleInput(50));

      // Assess
      expect(error).toMatchObject({ reason: 'TOO_MANY_STYLES' });
      const { studio, styles } = (await store.get(studioId))!;
      expect(styles.map((s) => s.styleId)).not.toContain('one-too-many');
      expect(studio).toMatchObject({ styleCount: MAX_STYLES_PER_STUDIO, fromCredits: 11 });
    });

    it('refuses a studio that does not exist with STUDIO_NOT_FOUND, creating nothing', async () => {
      // Prepare
      const studioId = newId();

      // Act
      const error = await rejection(store.putStyle(studioId, 'corporate-grey', styleInput()));

      // Assess
      expect(error).toMatchObject({ reason: 'STUDIO_NOT_FOUND' });
      expect(await store.get(studioId)).toBeUndefined();
    });
  });

  describe('Methods: addImage and removeImage', () => {
    async function studioWithStyles(...styleIds: string[]): Promise<string> {
      const studioId = await newStudio();
      for (const styleId of styleIds) await store.putStyle(studioId, styleId, styleInput());
      return studioId;
    }

    it("adds images in order and makes the first style's first sample the studio's cover", async () => {
      // Prepare
      const studioId = await studioWithStyles('style-a', 'style-b');

      // Act
      await store.addImage(studioId, 'style-b', image('b-sample', 'sample', studioId, 'style-b'));
      await store.addImage(studioId, 'style-a', image('a-reference', 'reference', studioId, 'style-a'));
      await store.addImage(studioId, 'style-a', image('a-sample', 'sample', studioId, 'style-a'));

      // Assess
      const { studio, styles } = (await store.get(studioId))!;
      expect(styles[0]!.images.map((i) => i.imageId)).toEqual(['a-reference', 'a-sample']);
      expect(studio.coverKey).toBe(image('a-sample', 'sample', studioId, 'style-a').key);
    });

    it('adds an image it holds already only once', async () => {
      // Prepare
      const studioId = await studioWithStyles('style-a');
      await store.addImage(studioId, 'style-a', image('img-1', 'sample', studioId, 'style-a'));

      // Act
      await store.addImage(studioId, 'style-a', image('img-1', 'sample', studioId, 'style-a'));

      // Assess
      expect((await store.get(studioId))!.styles[0]!.images).toHaveLength(1);
    });

    it(`refuses a ${MAX_STYLE_IMAGES + 1}th image of one kind with TOO_MANY_IMAGES, but not one of the other kind`, async () => {
      // Prepare
      const studioId = await studioWithStyles('style-a');
      for (let i = 0; i < MAX_STYLE_IMAGES; i++) await store.addImage(studioId, 'style-a', image(`sample-${i}`, 'sample', studioId, 'style-a'));

      // Act
      const error = await rejection(store.addImage(studioId, 'style-a', image('sample-extra', 'sample', studioId, 'style-a')));
      await store.addImage(studioId, 'style-a', image('reference-1', 'reference', studioId, 'style-a'));

      // Assess
      expect(error).toMatchObject({ reason: 'TOO_MANY_IMAGES' });
      const images = (await store.get(studioId))!.styles[0]!.images;
      expect(images.filter((i) => i.kind === 'sample')).toHaveLength(MAX_STYLE_IMAGES);
      expect(images.map((i) => i.imageId)).toContain('reference-1');
      expect(images.map((i) => i.imageId)).not.toContain('sample-extra');
    });

    it('refuses an image of a style that does not exist with STYLE_NOT_FOUND, creating no style', async () => {
      // Prepare
      const studioId = await studioWithStyles();

      // Act
      const error = await rejection(store.addImage(studioId, 'no-style', image('img-1', 'sample', studioId, 'no-style')));

      // Assess
      expect(error).toMatchObject({ reason: 'STYLE_NOT_FOUND' });
      expect((await store.get(studioId))!.styles).toEqual([]);
    });

    it('removes an image, answering it, and moves the cover to the next sample', async () => {
      // Prepare
      const studioId = await studioWithStyles('style-a');
      const [first, second] = [image('img-1', 'sample', studioId, 'style-a'), image('img-2', 'sample', studioId, 'style-a')];
      await store.addImage(studioId, 'style-a', first);
      await store.addImage(studioId, 'style-a', second);

      // Act
      const removed = await store.removeImage(studioId, 'style-a', 'img-1');

      // Assess
      expect(removed).toEqual(first);
      const { studio, styles } = (await store.get(studioId))!;
      expect(styles[0]!.images).toEqual([second]);
      expect(studio.coverKey).toBe(second.key);
    });

    it('drops the cover when the last sample goes', async () => {
      // Prepare
      const studioId = await studioWithStyles('style-a');
      await store.addImage(studioId, 'style-a', image('img-1', 'sample', studioId, 'style-a'));
      await store.addImage(studioId, 'style-a', image('ref-1', 'reference', studioId, 'style-a'));

      // Act
      await store.removeImage(studioId, 'style-a', 'img-1');

      // Assess
      expect((await store.get(studioId))!.studio).not.toHaveProperty('coverKey');
    });

    it.each([
      { case: 'an image the style does not hold', styleId: 'style-a', imageId: 'nope', reason: 'IMAGE_NOT_FOUND' },
      { case: 'a style that does not exist', styleId: 'no-style', imageId: 'img-1', reason: 'STYLE_NOT_FOUND' },
    ])('refuses to remove $case with $reason, changing nothing', async ({ styleId, imageId, reason }) => {
      // Prepare
      const studioId = await studioWithStyles('style-a');
      await store.addImage(studioId, 'style-a', image('img-1', 'sample', studioId, 'style-a'));
      const before = await store.get(studioId);

      // Act
      const error = await rejection(store.removeImage(studioId, styleId, imageId));

      // Assess
      expect(error).toMatchObject({ reason });
      expect(await store.get(studioId)).toEqual(before);
    });
  });
}
