import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { FUNCTIONS, RESOURCES, type ResourceRegistry } from '../../infra/catalogue';
import { buildApp, composeApp, type StudioStacks } from '../../infra/lib/app';
import { BINDERS } from '../../infra/lib/binders';
import { REPO_ROOT, resolveStageConfig, type StageConfig } from '../../infra/lib/config';
import { NO_BUNDLING, testApp } from './support';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized CloudFormation JSON is untyped
type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };

const logicalIdOf = (template: Template, type: string, pathPart: string): string => {
  const ids = Object.entries(template.toJSON().Resources as Record<string, Resource>)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(pathPart));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${pathPart}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
};

const publicKeyPem = (options: { type: 'rsa'; bits: number } | { type: 'ec' }) =>
  options.type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: options.bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
    : generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

describe('media CDN (delivered images through CloudFront signed URLs)', () => {
  let stacks: StudioStacks;
  let config: StageConfig;
  let stateful: Template;
  let distributionId: string;
  let outputsBucketId: string;

  beforeAll(async () => {
    // Prepare / Act
    ({ stacks, config } = await testApp({ stage: 'test' }));
    stateful = Template.fromStack(stacks.stateful);
    distributionId = logicalIdOf(stateful, 'AWS::CloudFront::Distribution', 'MediaCdnDistribution');
    outputsBucketId = logicalIdOf(stateful, 'AWS::S3::Bucket', 'MediaOutputs');
  });

  describe('the distribution', () => {
    it('serves the outputs bucket through origin access control, read only', () => {
      const distribution = stateful.toJSON().Resources[distributionId] as Resource;
      const oacId = logicalIdOf(stateful, 'AWS::CloudFront::OriginAccessControl', 'MediaCdnDistribution');
      expect(distribution.Properties.DistributionConfig.Origins).toEqual([
        expect.objectContaining({
          DomainName: { 'Fn::GetAtt': [outputsBucketId, 'RegionalDomainName'] },
          OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        }),
      ]);
      stateful.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
      });
    });

    it('has one behaviour: signed requests only (the trusted key group), HTTPS, GET and HEAD', () => {
      const keyGroupId = logicalIdOf(stateful, 'AWS::CloudFront::KeyGroup', 'MediaCdnKeyGroup');
      const { DistributionConfig } = (stateful.toJSON().Resources[distributionId] as Resource).Properties;
      expect(DistributionConfig.CacheBehaviors).toBeUndefined();
      expect(DistributionConfig.DefaultCacheBehavior).toEqual(
        expect.objectContaining({
          TrustedKeyGroups: [{ Ref: keyGroupId }],
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          CachedMethods: ['GET', 'HEAD'],
        }),
      );
      expect(DistributionConfig.DefaultCacheBehavior.TrustedSigners).toBeUndefined();
      expect(DistributionConfig.Logging).toEqual(expect.objectContaining({ Bucket: expect.anything() }));
    });

    it('trusts exactly the stage config\'s public key, cdk.json\'s unless the config gives one', () => {
      const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: { mediaSigningPublicKey: string } };
      expect(config.mediaSigningPublicKey).toBe(cdkJson.context.mediaSigningPublicKey);
      const publicKeyId = logicalIdOf(stateful, 'AWS::CloudFront::PublicKey', 'MediaCdnSigningPublicKey');
      stateful.resourceCountIs('AWS::CloudFront::PublicKey', 1);
      stateful.hasResourceProperties('AWS::CloudFront::PublicKey', {
        PublicKeyConfig: Match.objectLike({
          EncodedKey: config.mediaSigningPublicKey,
          // Unique per account across stages: names and caller references carry the stack's name.
          Name: Match.stringLikeRegexp(`^HeadshotStudiotestStateful.*-SigningKey-`),
          CallerReference: Match.stringLikeRegexp('^HeadshotStudiotestStateful'),
        }),
      });
      stateful.hasResourceProperties('AWS::CloudFront::KeyGroup', { KeyGroupConfig: Match.objectLike({ Items: [{ Ref: publicKeyId }] }) });
    });

    it('sends nosniff on every response', () => {
      stateful.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: Match.objectLike({ SecurityHeadersConfig: Match.objectLike({ ContentTypeOptions: { Override: true } }) }),
      });
    });
  });

  it('lets only this distribution read the outputs bucket (AWS:SourceArn)', () => {
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy')) as Resource[];
    const policy = policies.find((p) => p.Properties.Bucket?.Ref === outputsBucketId)!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    const cloudfront = statements.filter((s) => JSON.stringify(s.Principal ?? '').includes('cloudfront.amazonaws.com'));
    expect(cloudfront).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [outputsBucketId, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]],
            },
          },
        },
      }),
    ]);
  });

  it('creates the signing-key secret and outputs the URL, the key pair ID and the secret', () => {
    const secretId = logicalIdOf(stateful, 'AWS::SecretsManager::Secret', 'MediaCdnSigningKey');
    const publicKeyId = logicalIdOf(stateful, 'AWS::CloudFront::PublicKey', 'MediaCdnSigningPublicKey');
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', { Description: Match.stringLikeRegexp('keyPairId.*privateKey') });
    stateful.hasOutput('MediaUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] } });
    stateful.hasOutput('MediaSigningKeyPairId', { Value: { Ref: publicKeyId } });
    stateful.hasOutput('MediaSigningKeySecretArn', { Value: { Ref: secretId } });
  });

  it('allows the media origin in the site\'s CSP (images and fetches)', () => {
    const site = Template.fromStack(stacks.site);
    const [policy] = Object.values(site.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as Resource[];
    const csp = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy as { 'Fn::Join': [string, unknown[]] };
    // The domain is imported from the stateful stack (a one-way reference); render imports as markers to read the policy.
    const text = csp['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part).includes('MediaCdnDistribution') ? '<media>' : '<other>'))
      .join('');
    const directive = (name: string) => text.split('; ').find((d) => d.startsWith(`${name} `))!;
    expect(directive('img-src').split(' ')).toContain('https://<media>');
    expect(directive('connect-src').split(' ')).toContain('https://<media>');
    expect(JSON.stringify(csp)).toMatch(/Fn::ImportValue.*MediaCdnDistribution/);
  });

  it('gives each function granted MediaCdn "sign" MEDIA_CDN and GetSecretValue on that secret', () => {
    const granted = FUNCTIONS.filter((fn) => (fn.grants as Record<string, unknown>).MediaCdn === 'sign').map((fn) => fn.id);
    expect(granted.length).toBeGreaterThan(0);
    const secretExport = stacks.stateful.resolve(stacks.stateful.exportValue(stacks.stateful.mediaCdn.secret.secretArn)) as { 'Fn::ImportValue': string };
    const checked: string[] = [];
    for (const stack of stacks.domains.values()) {
      const template = Template.fromStack(stack);
      const resources = template.toJSON().Resources as Record<string, Resource>;
      for (const fnId of granted) {
        const fn = Object.entries(resources).find(
          ([, r]) => r.Type === 'AWS::Lambda::Function' && (r.Properties.Tags as { Key: string; Value: string }[] | undefined)?.some((t) => t.Key === 'function' && t.Value === fnId),
        );
        if (!fn) continue;
        const variable = JSON.stringify(fn[1].Properties.Environment.Variables.MEDIA_CDN);
        expect(variable).toContain('\\"url\\":\\"https://');
        expect(variable).toContain('\\"secretArn\\":\\"');
        expect(variable).toContain(secretExport['Fn::ImportValue']);
        const role = fn[1].Properties.Role['Fn::GetAtt'][0] as string;
        const statements = Object.values(resources)
          .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
          .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
        const onSecret = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(secretExport));
        expect({ fnId, actions: onSecret.flatMap((s) => s.Action).sort() }).toEqual({ fnId, actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] });
        checked.push(fnId);
      }
    }
    expect(checked.sort()).toEqual(granted.sort());
  });
});

describe('the mediaCdn binder', () => {
  const bind = (encryptionKey: boolean) => {
    const stack = new Stack(new App(), 'Throwaway');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const secret = new secretsmanager.Secret(stack, 'SigningKey', encryptionKey ? { encryptionKey: new kms.Key(stack, 'Key') } : {});
    const value = BINDERS.mediaCdn({ id: 'GetGallery', role }, { url: 'https://d111.cloudfront.net', secret }, 'sign', 'MediaCdn');
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as Resource[];
    return { stack, value, statements: policy.Properties.PolicyDocument.Statement as Statement[] };
  };

  it('allows reading exactly the signing-key secret and returns { url, secretArn }', () => {
    // Act
    const { stack, value, statements } = bind(false);
    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: expect.stringMatching(/^SigningKey/) } },
    ]);
    expect(stack.resolve(value)).toEqual({ 'Fn::Join': ['', ['{"url":"https://d111.cloudfront.net","secretArn":"', { Ref: expect.stringMatching(/^SigningKey/) }, '"}']] });
  });

  it('adds kms:Decrypt on the secret\'s key when it has one', () => {
    const { statements } = bind(true);
    expect(statements.map((s) => s.Action)).toEqual([['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], 'kms:Decrypt']);
    expect(statements[1].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
  });
});

describe('the stage config\'s mediaSigningPublicKey', () => {
  it('takes an RSA 2048 PEM public key, also with \\n typed for line breaks', () => {
    const { publicKey } = publicKeyPem({ type: 'rsa', bits: 2048 });
    expect(resolveStageConfig({ mediaSigningPublicKey: publicKey }).mediaSigningPublicKey).toBe(publicKey);
    expect(resolveStageConfig({ mediaSigningPublicKey: publicKey.trim().replace(/\n/g, '\\n') }).mediaSigningPublicKey).toBe(publicKey);
  });

  it('refuses a private key, another kind of key and text that is no key', () => {
    const rsa = publicKeyPem({ type: 'rsa', bits: 2048 });
    expect(() => resolveStageConfig({ mediaSigningPublicKey: rsa.privateKey })).toThrow(/holds a private key/);
    expect(() => resolveStageConfig({ mediaSigningPublicKey: publicKeyPem({ type: 'rsa', bits: 3072 }).publicKey })).toThrow(/RSA 2048.*rsa 3072/);
    expect(() => resolveStageConfig({ mediaSigningPublicKey: publicKeyPem({ type: 'ec' }).publicKey })).toThrow(/RSA 2048.*ec/);
    expect(() => resolveStageConfig({ mediaSigningPublicKey: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----' })).toThrow(/not a readable PEM public key/);
    expect(() => resolveStageConfig({ mediaSigningPublicKey: 'ssh-rsa AAAA' })).toThrow(/PEM/);
  });

  it('is required: the stateful stack names the context key when it is missing', () => {
    const config = resolveStageConfig({ stage: 'nokey' });
    expect(() => composeApp(new App(NO_BUNDLING), config)).toThrow(/no mediaSigningPublicKey: set the context key mediaSigningPublicKey/);
  });
});

describe('the stateful stack', () => {
  it('refuses a stateful entry it has no construct for, a second media CDN included', () => {
    // Prepare
    const registry: ResourceRegistry = {
      ...RESOURCES,
      SecondCdn: { kind: 'mediaCdn', env: 'SECOND_CDN', owner: 'stateful', description: 'A second media CDN the stateful stack does not build' },
    };
    // Act / Assess: the stateful stack is built first and refuses it, so no later stack (nor the web app) is needed.
    expect(() => buildApp({ stage: 'secondcdn' }, NO_BUNDLING, { registry })).toThrow(/no construct for SecondCdn/);
  });
});
