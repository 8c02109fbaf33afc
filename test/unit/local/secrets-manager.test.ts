import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { actionsFor } from '../../../infra/catalogue';
import { LOCAL_BINDERS } from '../../../infra/local/binders';
import { type AuthorizingProxy, type Principal, startAuthorizingProxy } from '../../../infra/local/iam/proxy';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../../infra/local/secrets/server';
import { parseAccount, secretsManagerAccount } from '../../../functions/billing/stripe-account';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const CONTEXT = { region: REGION, accountId: ACCOUNT, prefix: 'headshot-studio' };
/** The StripeSecret as the local cloud binds it: the ARN its grant names and the function's variable holds. */
const STRIPE_ARN = LOCAL_BINDERS.secret('StripeSecret', CONTEXT).value;
const VALUE = JSON.stringify({ secretKey: 'sk_test_local123', webhookSecret: 'whsec_local456' });

/** The function granted the secret (the catalogue's actions on the bound ARN), one granted nothing, and a trusted tool key. */
const PRINCIPALS: Record<string, Principal> = {
  LOCALREADER: { functionId: 'Reader', statements: [{ actions: actionsFor('secret', 'read'), resources: LOCAL_BINDERS.secret('StripeSecret', CONTEXT).resources }] },
  LOCALNOGRANT: { functionId: 'NoGrant', statements: [{ actions: ['dynamodb:GetItem'], resources: ['*'] }] },
};

describe('the local Secrets Manager', () => {
  let service: LocalSecretsManager;
  let proxy: AuthorizingProxy;
  const denied: string[] = [];
  const client = (accessKeyId: string, endpoint = proxy.url) => new SecretsManagerClient({ region: REGION, endpoint, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });

  beforeAll(async () => {
    service = await startLocalSecretsManager({ region: REGION, accountId: ACCOUNT, secrets: [{ name: 'headshot-studio-stripe', arn: STRIPE_ARN, secretString: VALUE }] });
    proxy = await startAuthorizingProxy({
      service: 'secretsmanager',
      target: service.url,
      region: REGION,
      accountId: ACCOUNT,
      principal: (key) => PRINCIPALS[key],
      trustedKeys: ['TOOLS'],
      secretArn: (id) => service.store.arnOf(id),
      onDenied: (id, access) => denied.push(`${id} ${access.action} ${access.resource}`),
    });
  });
  afterAll(async () => {
    await proxy.close();
    await service.close();
  });

  describe('through the authorizing proxy', () => {
    it('answers GetSecretValue to a function granted the secret, by ARN or by name', async () => {
      // Act
      const byArn = await client('LOCALREADER').send(new GetSecretValueCommand({ SecretId: STRIPE_ARN }));
      const byName = await client('LOCALREADER').send(new GetSecretValueCommand({ SecretId: 'headshot-studio-stripe' }));

      // Assess
      expect(byArn).toMatchObject({ ARN: STRIPE_ARN, Name: 'headshot-studio-stripe', SecretString: VALUE, VersionStages: ['AWSCURRENT'] });
      expect(byArn.CreatedDate).toBeInstanceOf(Date);
      expect(byName.VersionId).toBe(byArn.VersionId);
    });

    it('answers DescribeSecret with the versions and their labels', async () => {
      // Act
      const answer = await client('LOCALREADER').send(new DescribeSecretCommand({ SecretId: STRIPE_ARN }));

      // Assess
      expect(answer).toMatchObject({ ARN: STRIPE_ARN, Name: 'headshot-studio-stripe' });
      expect(Object.values(answer.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    });

    it('refuses a function without the grant with AccessDeniedException naming the action and the secret', async () => {
      // Act
      const call = client('LOCALNOGRANT').send(new GetSecretValueCommand({ SecretId: 'headshot-studio-stripe' }));

      // Assess
      await expect(call).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(`is not authorized to perform: secretsmanager:GetSecretValue on resource: ${STRIPE_ARN}`),
        $metadata: { httpStatusCode: 400 },
      });
      expect(denied).toContain(`NoGrant secretsmanager:GetSecretValue ${STRIPE_ARN}`);
    });

    it('refuses a granted function an action beyond its grant (PutSecretValue)', async () => {
      // Act
      const call = client('LOCALREADER').send(new PutSecretValueCommand({ SecretId: STRIPE_ARN, SecretString: '{}' }));

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'AccessDeniedException' });
      expect((await client('TOOLS').send(new GetSecretValueCommand({ SecretId: STRIPE_ARN }))).SecretString).toBe(VALUE);
    });

    it('refuses a secret the grant does not name, even one that does not exist, with AccessDenied rather than NotFound', async () => {
      // Act
      const call = client('LOCALREADER').send(new GetSecretValueCommand({ SecretId: 'headshot-studio-other' }));

      // Assess: a caller without the grant learns nothing about what exists.
      await expect(call).rejects.toMatchObject({ name: 'AccessDeniedException' });
    });

    it('reads through Powertools Parameters as the billing functions do (JSON, cached)', async () => {
      // Prepare
      const provider = new SecretsProvider({ awsSdkV3Client: client('LOCALREADER') });

      // Act
      const account = await secretsManagerAccount(STRIPE_ARN, provider)();

      // Assess
      expect(account).toEqual({ secretKey: 'sk_test_local123', webhookSecret: 'whsec_local456' });
    });
  });

  describe('the service', () => {
    it('answers ResourceNotFoundException for a secret that does not exist', async () => {
      // Act
      const call = client('TOOLS').send(new GetSecretValueCommand({ SecretId: 'headshot-studio-missing' }));

      // Assess
      await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(call).rejects.toMatchObject({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });
    });

    it('answers ResourceNotFoundException for a version that does not exist', async () => {
      // Act
      const call = client('TOOLS').send(new GetSecretValueCommand({ SecretId: STRIPE_ARN, VersionStage: 'AWSPENDING' }));

      // Assess
      await expect(call).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: expect.stringContaining('staging label: AWSPENDING') });
    });

    it('creates a secret with a suffixed ARN, finds it by partial ARN, and moves AWSCURRENT to a new value (the old one AWSPREVIOUS)', async () => {
      // Prepare
      const tools = client('TOOLS', service.url);
      const created = await tools.send(new CreateSecretCommand({ Name: 'scratch', SecretString: 'one' }));

      // Act
      const put = await tools.send(new PutSecretValueCommand({ SecretId: created.ARN!.slice(0, -7), SecretString: 'two', ClientRequestToken: '11111111-1111-4111-8111-111111111111' }));
      const again = await tools.send(new PutSecretValueCommand({ SecretId: 'scratch', SecretString: 'two', ClientRequestToken: '11111111-1111-4111-8111-111111111111' }));
      const current = await tools.send(new GetSecretValueCommand({ SecretId: 'scratch' }));
      const previous = await tools.send(new GetSecretValueCommand({ SecretId: 'scratch', VersionStage: 'AWSPREVIOUS' }));

      // Assess
      expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:scratch-[A-Za-z0-9]{6}$/);
      expect(again.VersionId).toBe(put.VersionId);
      expect(current).toMatchObject({ SecretString: 'two', VersionId: put.VersionId });
      expect(previous).toMatchObject({ SecretString: 'one', VersionStages: ['AWSPREVIOUS'] });
      await expect(tools.send(new CreateSecretCommand({ Name: 'scratch', SecretString: 'x' }))).rejects.toBeInstanceOf(ResourceExistsException);
      await expect(
        tools.send(new PutSecretValueCommand({ SecretId: 'scratch', SecretString: 'three', ClientRequestToken: '11111111-1111-4111-8111-111111111111' })),
      ).rejects.toBeInstanceOf(ResourceExistsException);
    });

    it('answers an operation it does not implement with UnknownOperationException, and a bad body with SerializationException', async () => {
      // Act
      const unknown = await fetch(service.url, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.RotateSecret', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      const garbled = await fetch(service.url, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.GetSecretValue', 'content-type': 'application/x-amz-json-1.1' }, body: '{' });

      // Assess
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
      expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
    });
  });

  describe('the Stripe account in the secret', () => {
    it.each([
      ['not JSON of the account', 'plain'],
      ['a publishable key', { secretKey: 'pk_test_1', webhookSecret: 'whsec_1' }],
      ['no webhook secret', { secretKey: 'sk_test_1' }],
    ])('fails with what to put there for %s', (_, value) => {
      expect(() => parseAccount(value, 'arn:secret')).toThrow(/must hold JSON \{ "secretKey": "sk_…", "webhookSecret": "whsec_…" \}/);
    });
  });
});
