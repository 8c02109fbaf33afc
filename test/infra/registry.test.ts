import { Template } from 'aws-cdk-lib/assertions';
import { DOMAINS, type DomainSpec, RESOURCES, type ResourceRegistry } from '../../infra/catalogue';
import { buildApp } from '../../infra/lib/app';
import { bindLocally } from '../../infra/local/binders';
import { builtWebApp, NO_BUNDLING } from './support';

/**
 * The resource registry's promise: adding a resource to a function is one line
 * in its catalogue entry. Proved on a throwaway queue declared beside the real
 * registry and granted to one function: CDK creates it, grants exactly the
 * actions of its kind on it and sets the variable; the local cloud derives the
 * same variable.
 */
const REGISTRY: ResourceRegistry = {
  ...RESOURCES,
  ScratchQueue: { kind: 'queue', env: 'SCRATCH_QUEUE_URL', owner: 'stateful', description: 'A throwaway queue for this test' },
};

/** The catalogue's domains with one more grant on GetHealth: the one line. */
function withGrant(functionId: string, resourceId: string, access: string): DomainSpec[] {
  return DOMAINS.map((domain) => ({
    ...domain,
    functions: domain.functions.map((fn) => (fn.id === functionId ? { ...fn, grants: { ...fn.grants, [resourceId]: access } } : fn)),
  }));
}

describe('resource registry', () => {
  it('creates a registered queue, grants it and sets its variable from one grant line', async () => {
    // Prepare
    const domains = withGrant('GetHealth', 'ScratchQueue', 'send');

    // Act
    const { app, stacks } = buildApp({ stage: 'registry' }, NO_BUNDLING, { webAssetDir: await builtWebApp(), registry: REGISTRY, domains });
    const stateful = Template.fromStack(stacks.stateful);
    const platform = Template.fromStack(stacks.domains.get('platform')!);

    // Assess: the queue (with its dead-letter queue) lives in the stateful stack …
    const queues = stateful.findResources('AWS::SQS::Queue');
    const [queueId] = Object.keys(queues).filter((id) => id.startsWith('RegistryScratchQueue') && !id.includes('DeadLetters'));
    expect(queueId).toBeDefined();
    expect(Object.keys(queues)).toHaveLength(2);
    // … GetHealth reads its URL from SCRATCH_QUEUE_URL …
    const fn = Object.values(platform.findResources('AWS::Lambda::Function')).find((r) =>
      (r.Properties.Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'function' && t.Value === 'GetHealth'),
    )!;
    expect(JSON.stringify(fn.Properties.Environment.Variables.SCRATCH_QUEUE_URL)).toContain(queueId);
    // … and may send to it, nothing more.
    const statements = Object.values(platform.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const sqs = statements.filter((st) => JSON.stringify(st.Resource).includes(queueId));
    expect(sqs.flatMap((st) => st.Action).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    // The whole app still synthesizes cdk-nag clean.
    expect(() => app.synth()).not.toThrow();
  });

  it('derives the same variable for the local cloud', () => {
    // Prepare
    const spec = withGrant('GetHealth', 'ScratchQueue', 'send')
      .flatMap((d) => d.functions)
      .find((f) => f.id === 'GetHealth')!;

    // Act
    const { env, statements } = bindLocally(spec, REGISTRY, { region: 'us-east-1', accountId: '000000000000', prefix: 'headshot-studio' });

    // Assess
    expect(env).toEqual({ SCRATCH_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/headshot-studio-scratch' });
    expect(statements).toEqual([
      { actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: ['arn:aws:sqs:us-east-1:000000000000:headshot-studio-scratch'] },
    ]);
  });

  it('refuses a grant of a resource that is not in the registry', async () => {
    // Prepare
    const domains = withGrant('GetHealth', 'NoSuchQueue', 'send');

    // Act / Assess
    await expect(async () => buildApp({ stage: 'registry' }, NO_BUNDLING, { webAssetDir: await builtWebApp(), domains })).rejects.toThrow(
      /GetHealth is granted "NoSuchQueue", which is not in the resource registry/,
    );
  });

  it('refuses a grant of a state machine owned by a later domain', async () => {
    // Prepare: the orders domain (first) granted a workflow of the platform domain (last).
    const registry: ResourceRegistry = {
      ...RESOURCES,
      LaterPipeline: { kind: 'stateMachine', env: 'LATER_PIPELINE_ARN', owner: { domain: 'platform' }, description: 'A workflow of a later domain' },
    };
    const domains = withGrant('ListOrders', 'LaterPipeline', ['start'] as never);

    // Act
    const { app } = buildApp({ stage: 'registry' }, NO_BUNDLING, { webAssetDir: await builtWebApp(), registry, domains });

    // Assess
    expect(() => app.synth()).toThrow(/ListOrders is granted "LaterPipeline", which was never bound: it must belong to a shared stack or a domain deployed before this one/);
  });
});
