import { describeStudiosBehaviour } from '../../stores/studios-behaviour';
import { FakeStudioStore } from './fake-studio-store';
import { image, STUDIO_ID, studioRecord, styleRecord } from './studios';

describe('Class: FakeStudioStore', () => {
  // The same behaviour StudioStore shows on DynamoDB Local (test/stores/studio-store.test.ts).
  describe('Behaviour shared with StudioStore', () => {
    describeStudiosBehaviour(() => new FakeStudioStore());
  });

  describe('Test controls', () => {
    it('derives the summary of the styles it is seeded with', async () => {
      // Prepare
      const store = new FakeStudioStore().seed(studioRecord(), [styleRecord(0, [image('img-1', 'reference'), image('img-2')]), styleRecord(1)]);

      // Act
      const found = await store.get(STUDIO_ID);

      // Assess
      expect(found!.studio).toMatchObject({ styleCount: 2, fromCredits: 12, coverKey: image('img-2').key });
    });

    it('fails the next call of a method once with the error it is given', async () => {
      // Prepare
      const store = new FakeStudioStore().seed(studioRecord());
      const error = new Error('ProvisionedThroughputExceededException');
      store.failNext('get', error);

      // Act & Assess
      await expect(store.get(STUDIO_ID)).rejects.toBe(error);
      await expect(store.get(STUDIO_ID)).resolves.toBeDefined();
    });

    it('hands out copies, so a caller cannot change what it holds', async () => {
      // Prepare
      const store = new FakeStudioStore().seed(studioRecord());
      const found = (await store.get(STUDIO_ID))!;

      // Act
      (found.studio.tags as string[]).push('changed');

      // Assess
      expect(store.peek(STUDIO_ID)!.studio.tags).toEqual(studioRecord().tags);
    });
  });
});
