import '../../helpers/env';
import { randomUUID } from 'node:crypto';
import { createApiKeyHandler } from '#functions/apikeys/create-api-key.handler';
import { hashSecret } from '#functions/apikeys/keys';
import { listApiKeysHandler } from '#functions/apikeys/list-api-keys.handler';
import { revokeApiKeyHandler } from '#functions/apikeys/revoke-api-key.handler';
import { API_KEY_PATTERN, MAX_API_KEYS, parseApiKey } from '#shared/apikeys';
import { type EventOptions, invoke, makeEvent } from '../../helpers/events';
import { FakeApiKeyStore } from '../../helpers/fake-api-key-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { claimsOf, seededOrganisation } from '../../helpers/organisation-fakes';

/** An event as the Lambda authorizer hands it on for a request made with an API key. */
function keyEvent(options: EventOptions, context: Record<string, unknown>) {
  const event = makeEvent({ ...options, claims: null });
  return { ...event, requestContext: { ...event.requestContext, authorizer: { lambda: context } as never } };
}

describe('API keys', () => {
  let keys: FakeApiKeyStore;
  let organisations: FakeOrganisationStore;
  let create: ReturnType<typeof createApiKeyHandler>;
  let list: ReturnType<typeof listApiKeysHandler>;
  let revoke: ReturnType<typeof revokeApiKeyHandler>;
  const person = randomUUID();
  const stranger = randomUUID();

  const createAs = (sub: string, body: unknown) => invoke(create, makeEvent({ routeKey: 'POST /v1/api-keys', claims: claimsOf(sub), body }));
  const listAs = (sub: string, organisationId?: string) =>
    invoke<{ apiKeys: { keyId: string }[] }>(list, makeEvent({ routeKey: 'GET /v1/api-keys', claims: claimsOf(sub), ...(organisationId && { queryStringParameters: { organisationId } }) }));
  const revokeAs = (sub: string, keyId: string) => invoke(revoke, makeEvent({ routeKey: 'DELETE /v1/api-keys/{keyId}', claims: claimsOf(sub), pathParameters: { keyId } }));

  beforeEach(() => {
    keys = new FakeApiKeyStore();
    organisations = new FakeOrganisationStore();
    create = createApiKeyHandler({ keys, organisations });
    list = listApiKeysHandler({ keys, organisations });
    revoke = revokeApiKeyHandler({ keys, organisations });
  });

  describe('Function: CreateApiKey', () => {
    it('answers 201 with the whole key once and its view; the store keeps only the SHA-256 of the secret', async () => {
      // Act
      const response = await createAs(person, { name: '  Nightly export ' });

      // Assess
      expect(response.statusCode).toBe(201);
      const { key, apiKey } = response.body as { key: string; apiKey: Record<string, unknown> };
      expect(key).toMatch(API_KEY_PATTERN);
      const { keyId, secret } = parseApiKey(key)!;
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
      expect(apiKey).toEqual({ keyId, name: 'Nightly export', prefix: `hsk_${keyId}`, scope: 'person', rateLimitPerMinute: 100, createdAt: expect.any(String), createdBy: person });
      const stored = await keys.get(keyId);
      expect(stored?.secretHash).toBe(hashSecret(secret));
      expect(JSON.stringify(stored)).not.toContain(secret);
    });

    it('gives an organisation key to an owner or admin, with their role and the limit asked for', async () => {
      const { orgId, owner, others } = await seededOrganisation(organisations, ['admin']);
      const byOwner = await createAs(owner.sub, { name: 'CI', organisationId: orgId, rateLimitPerMinute: 5 });
      const byAdmin = await createAs(others[0]!.sub, { name: 'CI', organisationId: orgId });
      expect(byOwner).toMatchObject({ statusCode: 201, body: { apiKey: { scope: 'organisation', organisationId: orgId, role: 'owner', rateLimitPerMinute: 5 } } });
      expect(byAdmin).toMatchObject({ statusCode: 201, body: { apiKey: { scope: 'organisation', role: 'admin' } } });
    });

    it("answers 403 ORGANISATION_ADMIN_REQUIRED to a plain member, and 404 ORGANISATION_NOT_FOUND to an outsider, writing nothing", async () => {
      const { orgId, others } = await seededOrganisation(organisations, ['member']);
      expect(await createAs(others[0]!.sub, { name: 'CI', organisationId: orgId })).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_ADMIN_REQUIRED' } });
      expect(await createAs(stranger, { name: 'CI', organisationId: orgId })).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
      expect(keys.writes).toEqual([]);
    });

    it.each([
      ['no name', {}],
      ['an empty name', { name: '  ' }],
      ['a name of 61 characters', { name: 'x'.repeat(61) }],
      ['control characters in the name', { name: 'CI\u202e' }],
      ['a limit of 0', { name: 'CI', rateLimitPerMinute: 0 }],
      ['a fractional limit', { name: 'CI', rateLimitPerMinute: 1.5 }],
      ['a limit above the maximum', { name: 'CI', rateLimitPerMinute: 10_001 }],
      ['a limit as text', { name: 'CI', rateLimitPerMinute: '100' }],
      ['an organisation ID that is not a UUID', { name: 'CI', organisationId: 'acme' }],
      ['an unknown field', { name: 'CI', scope: 'admin' }],
    ])('answers 400 VALIDATION_FAILED for %s, writing nothing', async (_, body) => {
      expect(await createAs(person, body)).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(keys.writes).toEqual([]);
    });

    it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
      const response = await invoke(create, makeEvent({ routeKey: 'POST /v1/api-keys', claims: claimsOf(person), body: '{"name":', headers: { 'content-type': 'application/json' } }));
      expect(response).toMatchObject({ statusCode: 400, body: { code: 'INVALID_JSON' } });
    });

    it(`answers 409 TOO_MANY_API_KEYS past ${MAX_API_KEYS} live keys`, async () => {
      for (let i = 0; i < MAX_API_KEYS; i++) expect((await createAs(person, { name: `k${i}` })).statusCode).toBe(201);
      expect(await createAs(person, { name: 'one more' })).toMatchObject({ statusCode: 409, body: { code: 'TOO_MANY_API_KEYS' } });
    });

    it('answers 403 API_KEY_NOT_ALLOWED to a request made with an API key', async () => {
      const response = await invoke(create, keyEvent({ routeKey: 'POST /v1/api-keys', body: { name: 'More' } }, { sub: person, groups: '', via: 'apiKey', keyId: 'ab'.repeat(12), scope: 'person', rateLimitPerMinute: 100 }));
      expect(response).toMatchObject({ statusCode: 403, body: { code: 'API_KEY_NOT_ALLOWED' } });
      expect(keys.writes).toEqual([]);
    });
  });

  describe('Function: ListApiKeys', () => {
    it("lists the caller's own live personal keys, never a secret or its hash", async () => {
      await createAs(person, { name: 'mine' });
      await createAs(stranger, { name: 'theirs' });
      const response = await listAs(person);
      expect(response.statusCode).toBe(200);
      expect(response.body.apiKeys).toEqual([expect.objectContaining({ name: 'mine', createdBy: person })]);
      expect(JSON.stringify(response.body)).not.toMatch(/secret|hsk_[0-9a-f]{24}_/i);
    });

    it("lists an organisation's keys to its owners and admins only: 403 to a member, 404 to an outsider", async () => {
      const { orgId, owner, others } = await seededOrganisation(organisations, ['admin', 'member']);
      await createAs(owner.sub, { name: 'CI', organisationId: orgId });
      expect((await listAs(others[0]!.sub, orgId)).body.apiKeys).toHaveLength(1);
      expect(await listAs(others[1]!.sub, orgId)).toMatchObject({ statusCode: 403, body: { code: 'ORGANISATION_ADMIN_REQUIRED' } });
      expect(await listAs(stranger, orgId)).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
      // The organisation's keys are not its owner's personal keys.
      expect((await listAs(owner.sub)).body.apiKeys).toEqual([]);
    });

    it('answers 400 for an organisation ID that is not a UUID and for an unknown parameter', async () => {
      expect(await listAs(person, 'acme')).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
      const unknown = await invoke(list, makeEvent({ routeKey: 'GET /v1/api-keys', claims: claimsOf(person), queryStringParameters: { all: 'true' } }));
      expect(unknown).toMatchObject({ statusCode: 400, body: { code: 'UNKNOWN_PARAMETER' } });
    });

    it('answers 403 API_KEY_NOT_ALLOWED to a request made with an API key', async () => {
      const response = await invoke(list, keyEvent({ routeKey: 'GET /v1/api-keys' }, { sub: person, groups: '', via: 'apiKey', keyId: 'ab'.repeat(12), scope: 'person', rateLimitPerMinute: 100 }));
      expect(response).toMatchObject({ statusCode: 403, body: { code: 'API_KEY_NOT_ALLOWED' } });
    });
  });

  describe('Function: RevokeApiKey', () => {
    const keyIdOf = (response: { body: unknown }) => (response.body as { apiKey: { keyId: string } }).apiKey.keyId;

    it('revokes the caller\'s own key: 200, then it is gone from the list and a second revoke is 404', async () => {
      const keyId = keyIdOf(await createAs(person, { name: 'mine' }));
      expect(await revokeAs(person, keyId)).toMatchObject({ statusCode: 200, body: { keyId, revoked: true } });
      expect((await listAs(person)).body.apiKeys).toEqual([]);
      expect(await revokeAs(person, keyId)).toMatchObject({ statusCode: 404, body: { code: 'API_KEY_NOT_FOUND' } });
    });

    it("answers 404 API_KEY_NOT_FOUND for someone else's personal key, and leaves it live", async () => {
      const keyId = keyIdOf(await createAs(person, { name: 'mine' }));
      expect(await revokeAs(stranger, keyId)).toMatchObject({ statusCode: 404, body: { code: 'API_KEY_NOT_FOUND' } });
      expect((await keys.get(keyId))?.revokedAt).toBeUndefined();
    });

    it("lets an organisation's admin revoke its owner's key, and answers 404 to a member and an outsider", async () => {
      const { orgId, owner, others } = await seededOrganisation(organisations, ['admin', 'member']);
      const keyId = keyIdOf(await createAs(owner.sub, { name: 'CI', organisationId: orgId }));
      expect((await revokeAs(others[1]!.sub, keyId)).statusCode).toBe(404);
      expect((await revokeAs(stranger, keyId)).statusCode).toBe(404);
      expect((await revokeAs(others[0]!.sub, keyId)).statusCode).toBe(200);
    });

    it('answers 400 VALIDATION_FAILED for a key ID that is not 24 hexadecimal characters', async () => {
      expect(await revokeAs(person, 'hsk_abc')).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('answers 403 API_KEY_NOT_ALLOWED to a request made with an API key, even for that key itself', async () => {
      const keyId = keyIdOf(await createAs(person, { name: 'mine' }));
      const response = await invoke(
        revoke,
        keyEvent({ routeKey: 'DELETE /v1/api-keys/{keyId}', pathParameters: { keyId } }, { sub: person, groups: '', via: 'apiKey', keyId, scope: 'person', rateLimitPerMinute: 100 }),
      );
      expect(response).toMatchObject({ statusCode: 403, body: { code: 'API_KEY_NOT_ALLOWED' } });
      expect((await keys.get(keyId))?.revokedAt).toBeUndefined();
    });
  });
});
