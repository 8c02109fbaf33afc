import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { OrganisationStore } from '#functions/organisations/organisation-store';
import { newInvitationToken } from '#functions/organisations/tokens';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';
import { describeOrganisationsBehaviour } from './organisations-behaviour';

/*
 * The organisation store's items and transactions against DynamoDB Local.
 * Handler tests use an in-memory fake held to the same behaviour
 * (./organisations-behaviour.ts); this file adds the table layout and races
 * only real transactions can show.
 */

const TABLE_NAME = `organisation-store-test-${randomUUID()}`;

describe('Class: OrganisationStore (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const rawItem = async (pk: string, sk: string) => (await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk, sk }, ConsistentRead: true }))).Item;
  const person = () => {
    const sub = randomUUID();
    return { sub, email: `p-${sub.slice(0, 8)}@example.com` };
  };

  describeOrganisationsBehaviour((now) => new OrganisationStore(doc, TABLE_NAME, now));

  describe('Table layout', () => {
    it('keeps both sides of a membership, so "my organisations" is one query on the person', async () => {
      // Prepare
      const store = new OrganisationStore(doc, TABLE_NAME);
      const owner = person();
      const orgId = randomUUID();

      // Act
      await store.create({ orgId, name: 'Layout', walletId: orgId, owner });

      // Assess
      expect(await rawItem(`ORG#${orgId}`, `MEMBER#${owner.sub}`)).toMatchObject({ role: 'owner', email: owner.email });
      const { Items = [] } = await doc.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `PERSON#${owner.sub}` } }));
      expect(Items).toEqual([expect.objectContaining({ sk: `ORG#${orgId}`, orgId, name: 'Layout', role: 'owner', walletId: orgId })]);
    });

    it('files the token under its SHA-256 only, with a TTL a month after the link expires', async () => {
      // Prepare
      const store = new OrganisationStore(doc, TABLE_NAME, () => new Date('2030-01-01T00:00:00.000Z'));
      const owner = person();
      const orgId = randomUUID();
      await store.create({ orgId, name: 'Tokens', walletId: orgId, owner });
      const { token, hash } = newInvitationToken();

      // Act
      const invitation = await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: 'new@example.com', role: 'member', tokenHash: hash });

      // Assess
      const tokenItem = await rawItem(`INVTOKEN#${hash}`, 'TOKEN');
      expect(tokenItem).toMatchObject({ orgId, invitationId: invitation.invitationId, expiresAt: Date.parse('2030-02-07T00:00:00.000Z') / 1000 });
      const stored = await rawItem(`ORG#${orgId}`, `INVITE#${invitation.invitationId}`);
      expect(JSON.stringify([tokenItem, stored])).not.toContain(token);
      expect(await rawItem(`ORG#${orgId}`, 'INVITEE#new@example.com')).toMatchObject({ invitationId: invitation.invitationId });
    });

    it('writes nothing when a refused invitation fails its transaction', async () => {
      // Prepare
      const store = new OrganisationStore(doc, TABLE_NAME);
      const owner = person();
      const orgId = randomUUID();
      await store.create({ orgId, name: 'Nothing', walletId: orgId, owner });
      const first = newInvitationToken();
      await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: 'twice@example.com', role: 'member', tokenHash: first.hash });
      const second = newInvitationToken();

      // Act
      await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: 'twice@example.com', role: 'member', tokenHash: second.hash }).catch(() => undefined);

      // Assess
      expect(await rawItem(`INVTOKEN#${second.hash}`, 'TOKEN')).toBeUndefined();
      expect((await store.get(orgId))!.pendingCount).toBe(1);
    });
  });

  describe('Concurrency', () => {
    it('counts every member once when many people accept their invitations at once', async () => {
      // Prepare
      const store = new OrganisationStore(doc, TABLE_NAME);
      const owner = person();
      const orgId = randomUUID();
      await store.create({ orgId, name: 'Crowd', walletId: orgId, owner });
      const people = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const who = person();
          const { hash } = newInvitationToken();
          await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: who.email, role: 'member', tokenHash: hash });
          return { who, hash };
        }),
      );

      // Act
      await Promise.all(people.map(({ who, hash }) => store.accept(hash, who)));

      // Assess
      expect(await store.get(orgId)).toMatchObject({ memberCount: 7, ownerCount: 1, pendingCount: 0 });
      expect(await store.members(orgId)).toHaveLength(7);
    });

    it('refuses a role that was taken away while the change was being decided', async () => {
      // Prepare
      const store = new OrganisationStore(doc, TABLE_NAME);
      const owner = person();
      const orgId = randomUUID();
      await store.create({ orgId, name: 'Demoted', walletId: orgId, owner });
      const admin = person();
      const forAdmin = newInvitationToken();
      await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: admin.email, role: 'admin', tokenHash: forAdmin.hash });
      await store.accept(forAdmin.hash, admin);
      const member = person();
      const forMember = newInvitationToken();
      await store.invite(owner.sub, { orgId, invitationId: randomUUID(), email: member.email, role: 'member', tokenHash: forMember.hash });
      await store.accept(forMember.hash, member);

      // Act: the owner demotes the admin while the admin removes the member.
      const [demotion, removal] = await Promise.allSettled([store.changeRole(owner.sub, orgId, admin.sub, 'member'), store.remove(admin.sub, orgId, member.sub)]);

      // Assess: either the removal came first, or it was refused with the admin's new role.
      expect(demotion.status).toBe('fulfilled');
      const memberGone = (await store.membership(orgId, member.sub)) === undefined;
      if (removal.status === 'rejected') expect(removal.reason).toMatchObject({ reason: 'ORGANISATION_ADMIN_REQUIRED' });
      expect(memberGone).toBe(removal.status === 'fulfilled');
      expect((await store.get(orgId))!.memberCount).toBe(memberGone ? 2 : 3);
    });
  });
});
