import { mkdtempSync, writeFileSync } from 'node:fs';
import { NO_BUNDLING, testApp } from './support';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { functionById, RESOURCES, type StateMachineSpec } from '../../infra/catalogue';
import { ResourceIndex } from '../../infra/lib/resource-index';
import { resolveStageConfig } from '../../infra/lib/config';
import { AppFunction } from '../../infra/lib/constructs/app-function';
import { flattenCfnReference } from '../../infra/lib/constructs/nag';
import { SiteContent } from '../../infra/lib/constructs/site-content';
import { StaticSite } from '../../infra/lib/constructs/static-site';
import { Workflow } from '../../infra/lib/constructs/workflow';


function stackWithResources() {
  const app = new App(NO_BUNDLING);
  const stack = new Stack(app, 'Test');
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const bucket = new s3.Bucket(stack, 'Bucket');
  const index = new ResourceIndex(RESOURCES);
  index.add('Table', 'table', table);
  index.add('UploadsBucket', 'bucket', bucket);
  index.add('OutputsBucket', 'bucket', new s3.Bucket(stack, 'Outputs'));
  // The rate limit's counters, which every function of a signed-in route is granted.
  index.add('RateLimitTable', 'table', new dynamodb.Table(stack, 'Counters', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }));
  return { app, stack, index };
}

describe('AppFunction', () => {
  it('fails synthesis when a granted resource was never bound (its owner was not built before)', () => {
    // Prepare: the index has the table and buckets, not the order pipeline.
    const { app, stack, index } = stackWithResources();
    const fn = new AppFunction(stack, 'SubmitOrder', { spec: functionById('SubmitOrder') });
    // Act
    const unbound = fn.bind(index);
    // Assess
    expect(unbound).toEqual(['OrderPipeline']);
    expect(() => app.synth()).toThrow(/SubmitOrder is granted "OrderPipeline", which was never bound/);
  });

  it('sets the variable of each bound grant, and needs nothing else', () => {
    // Prepare
    const { app, stack, index } = stackWithResources();
    const fn = new AppFunction(stack, 'ListOrders', { spec: functionById('ListOrders') });
    // Act
    const unbound = fn.bind(index);
    // Assess
    expect(unbound).toEqual([]);
    const [lambdaFn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(Object.keys(lambdaFn.Properties.Environment.Variables)).toContain('TABLE_NAME');
    expect(Object.keys(lambdaFn.Properties.Environment.Variables)).not.toContain('UPLOADS_BUCKET');
    expect(() => app.synth()).not.toThrow();
  });

  it('needs no binding for a function without grants', () => {
    const { app, stack } = stackWithResources();
    new AppFunction(stack, 'GetHealth', { spec: functionById('GetHealth') });
    expect(() => app.synth()).not.toThrow();
  });

  it('writes to its own log group only, without AWS managed policies', () => {
    const { stack } = stackWithResources();
    new AppFunction(stack, 'GetHealth', { spec: functionById('GetHealth'), logRetention: RetentionDays.TWO_WEEKS });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('Workflow', () => {
  const writeAsl = (definition: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'workflow-'));
    writeFileSync(join(dir, 'machine.asl.json'), JSON.stringify(definition));
    return dir;
  };
  const task = (placeholder: string) => ({
    StartAt: 'Run',
    States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: `\${${placeholder}}` }, End: true } },
  });

  it('refuses an ASL file whose placeholders differ from the catalogue', () => {
    // Prepare
    const { stack } = stackWithResources();
    const repoRoot = writeAsl(task('SomethingElseArn'));
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => null;') });
    const spec: StateMachineSpec = { id: 'Test', definitionFile: 'machine.asl.json', functionArns: { RunArn: 'Run' }, timeoutSeconds: 60 };
    // Act / Assess
    expect(() => new Workflow(stack, 'Test', { spec, functions: new Map([['Run', fn]]), repoRoot })).toThrow(/placeholders .* differ/);
  });

  it('writes the catalogue timeout into the definition', () => {
    const { stack } = stackWithResources();
    const repoRoot = writeAsl(task('RunArn'));
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => null;') });
    const spec: StateMachineSpec = { id: 'Test', definitionFile: 'machine.asl.json', functionArns: { RunArn: 'Run' }, timeoutSeconds: 60 };
    new Workflow(stack, 'Test', { spec, functions: new Map([['Run', fn]]), repoRoot, logRemovalPolicy: RemovalPolicy.DESTROY });
    const [machine] = Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.parse(machine.Properties.DefinitionString).TimeoutSeconds).toBe(60);
  });
});

describe('SiteContent', () => {
  it('refuses to synthesize without the built web app', () => {
    const { stack } = stackWithResources();
    const site = new StaticSite(stack, 'Site');
    const config = { apiUrl: 'https://api', region: 'eu-west-1', cognitoEndpoint: 'https://cognito', userPoolClientId: 'client' };
    expect(() => new SiteContent(stack, 'Content', { site, assetDir: join(tmpdir(), 'no-such-build'), config })).toThrow(/npm run build:web/);
  });
});

describe('flattenCfnReference', () => {
  it('names references the way cdk-nag names IAM5 findings', () => {
    const flat = flattenCfnReference({ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'Stack:ExportsOutputArn' }, '/', { 'Fn::GetAtt': ['Bucket', 'Arn'] }, { Ref: 'X' }]] });
    expect(flat).toBe('Stack:ExportsOutputArn/<Bucket.Arn><X>');
  });
});

describe('resolveStageConfig', () => {
  it('retains data and enables threat protection for prod', () => {
    expect(resolveStageConfig({ stage: 'prod' })).toEqual(expect.objectContaining({ removalPolicy: 'retain', threatProtection: true }));
  });

  it('retains the data of every stage that is not marked ephemeral', () => {
    expect(resolveStageConfig({})).toEqual(expect.objectContaining({ stage: 'dev', ephemeral: false, removalPolicy: 'retain', threatProtection: false }));
    expect(resolveStageConfig({ stage: 'staging' })).toEqual(expect.objectContaining({ removalPolicy: 'retain' }));
  });

  it('destroys the data of an ephemeral stage with it', () => {
    expect(resolveStageConfig({ stage: 'pr-42', ephemeral: true })).toEqual(expect.objectContaining({ removalPolicy: 'destroy' }));
  });

  it('refuses an ephemeral prod stage', () => {
    expect(() => resolveStageConfig({ stage: 'prod', ephemeral: true })).toThrow(/prod stage cannot be ephemeral/);
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    expect(() => resolveStageConfig({ logRetentionDays: 8 as RetentionDays })).toThrow(/retention/);
  });

  it('keeps defaults for options given as undefined', () => {
    expect(resolveStageConfig({ stage: 'dev', logRetentionDays: undefined }).logRetentionDays).toBe(RetentionDays.ONE_WEEK);
  });
});

describe('upload CORS', () => {
  it('uses the origins a stage names (a custom domain) on the bucket itself, with no custom resource', async () => {
    // Act
    const { stacks } = await testApp({ stage: 'cors', uploadCorsOrigins: ['https://studio.example.com'] });

    // Assess
    Template.fromStack(stacks.stateful).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [{ AllowedMethods: ['POST'], AllowedOrigins: ['https://studio.example.com'], AllowedHeaders: ['*'], ExposedHeaders: ['ETag'], MaxAge: 3000 }] },
    });
    Template.fromStack(stacks.api).resourceCountIs('Custom::AWS', 0);
  });
});
