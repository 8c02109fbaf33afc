import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StudioStore } from '#functions/studios/studio-store';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';
import { STUDIO_INPUT, styleInput } from '../unit/helpers/studios';
import { describeStudiosBehaviour } from './studios-behaviour';

/*
 * The studio store's items, list index, paging and summary transactions
 * against DynamoDB Local. Handler tests use an in-memory fake held to the same
 * behaviour (./studios-behaviour.ts).
 */

const TABLE_NAME = `studio-store-test-${randomUUID()}`;

describe('Class: StudioStore (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let store: StudioStore;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
    store = new StudioStore(doc, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const rawItem = async (pk: string, sk: string) => (await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk, sk } }))).Item;

  describeStudiosBehaviour(() => store);

  describe('Table layout', () => {
    it('lists a studio in the one marketplace partition of gsi1, by lower-case name and ID', async () => {
      // Prepare
      const studioId = `layout-${randomUUID().slice(0, 8)}`;

      // Act
      await store.create(studioId, { ...STUDIO_INPUT, name: 'North Light' });

      // Assess
      expect(await rawItem(`STUDIO#${studioId}`, 'STUDIO')).toMatchObject({ gsi1pk: 'STUDIOS', gsi1sk: `north light#${studioId}` });
    });

    it('moves the list key with the name', async () => {
      // Prepare
      const studioId = `layout-${randomUUID().slice(0, 8)}`;
      await store.create(studioId, STUDIO_INPUT);

      // Act
      await store.update(studioId, { ...STUDIO_INPUT, name: 'Renamed Studio' });

      // Assess
      expect(await rawItem(`STUDIO#${studioId}`, 'STUDIO')).toMatchObject({ gsi1sk: `renamed studio#${studioId}` });
    });

    it('stores each style in its studio partition, out of the marketplace list', async () => {
      // Prepare
      const studioId = `layout-${randomUUID().slice(0, 8)}`;
      await store.create(studioId, STUDIO_INPUT);

      // Act
      await store.putStyle(studioId, 'corporate-grey', styleInput());

      // Assess
      const item = await rawItem(`STUDIO#${studioId}`, 'STYLE#corporate-grey');
      expect(item).toMatchObject({ styleId: 'corporate-grey', images: [] });
      expect(item).not.toHaveProperty('gsi1pk');
    });
  });

  describe('Concurrency', () => {
    it('reads and writes again when the studio changed between its read and its write', async () => {
      // Prepare: the first write of the summary finds a version bumped behind its back.
      const studioId = `race-${randomUUID().slice(0, 8)}`;
      await store.create(studioId, STUDIO_INPUT);
      let bumped = false;
      const racing = new StudioStore(
        {
          send: async (command: { constructor: { name: string } }) => {
            if (!bumped && command.constructor.name === 'TransactWriteCommand') {
              bumped = true;
              await doc.send(new UpdateCommand({ TableName: TABLE_NAME, Key: { pk: `STUDIO#${studioId}`, sk: 'STUDIO' }, UpdateExpression: 'SET version = version + :one', ExpressionAttributeValues: { ':one': 1 } }));
            }
            return doc.send(command as never);
          },
        } as unknown as DynamoDBDocumentClient,
        TABLE_NAME,
      );

      // Act
      await racing.putStyle(studioId, 'corporate-grey', styleInput(5));

      // Assess
      expect(bumped).toBe(true);
      expect((await store.get(studioId))!.studio).toMatchObject({ styleCount: 1, fromCredits: 5, version: 2 });
    });

    it('keeps every style when two are added at once', async () => {
      // Prepare
      const studioId = `race-${randomUUID().slice(0, 8)}`;
      await store.create(studioId, STUDIO_INPUT);

      // Act
      await Promise.all([store.putStyle(studioId, 'style-a', styleInput(8)), store.putStyle(studioId, 'style-b', styleInput(6))]);

      // Assess
      const { studio, styles } = (await store.get(studioId))!;
      expect(styles.map((s) => s.styleId).sort()).toEqual(['style-a', 'style-b']);
      expect(studio).toMatchObject({ styleCount: 2, fromCredits: 6 });
    });
  });
});
