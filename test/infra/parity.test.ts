import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, placeholdersOf, STATE_MACHINES } from '../../infra/catalogue';
import { allStacks, buildApp } from '../../infra/lib/app';
import { LocalApi } from '../../infra/local/api';
import { ACCOUNT, functionEnvironments, PREFIX, REGION, registerStateMachines } from '../../infra/local/cloud';
import { LocalFunctions } from '../../infra/local/functions';
import { LocalStepFunctions } from '../../infra/local/stepfunctions';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');
type Resource = { Type: string; Properties: Record<string, unknown> };

/**
 * Everything CDK deploys that the local cloud must also run: every function,
 * every route and every state machine (with the same definition once function
 * ARNs are normalised).
 */
describe('parity between the synthesized template and the local runtime', () => {
  let resources: Record<string, Resource>;
  let functions: LocalFunctions;
  let sfn: LocalStepFunctions;
  let api: LocalApi;
  let localEnv: Map<string, Record<string, string>>;

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const functionTag = (r: Resource) =>
    ((r.Properties.Tags as { Key: string; Value: string }[] | undefined) ?? []).find((t) => t.Key === 'function')?.Value;

  beforeAll(async () => {
    // Prepare: the synthesized stacks …
    const web = mkdtempSync(join(tmpdir(), 'parity-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>parity</title>');
    const { stacks } = buildApp({ stage: 'parity' }, {}, { webAssetDir: web });
    resources = {};
    for (const stack of allStacks(stacks)) Object.assign(resources, Template.fromStack(stack).toJSON().Resources);

    // … and the local runtime, built by the same code `npm start` uses.
    localEnv = functionEnvironments({ region: REGION, accountId: ACCOUNT, prefix: PREFIX, userPoolId: `${REGION}_parity` });
    Object.assign(process.env, { AWS_REGION: REGION }, ...localEnv.values());
    functions = new LocalFunctions(ROOT, REGION, ACCOUNT);
    await functions.load();
    const state = mkdtempSync(join(tmpdir(), 'parity-sfn-'));
    mkdirSync(state, { recursive: true });
    sfn = new LocalStepFunctions({ region: REGION, accountId: ACCOUNT, stateFile: join(state, 'executions.json'), invoke: async () => null });
    registerStateMachines(ROOT, sfn, functions);
    api = new LocalApi({ issuer: 'http://127.0.0.1/pool', audience: 'client', jwksUri: 'http://127.0.0.1/jwks', allowedOrigins: [], invoke: async () => null });
  });

  it('loads a local handler for every function the template deploys, and nothing else', () => {
    const deployed = ofType('AWS::Lambda::Function').map(([, r]) => functionTag(r)).filter(Boolean).sort();
    expect(deployed).toEqual(FUNCTIONS.map((f) => f.id).sort());
    expect(functions.loaded().sort()).toEqual(deployed);
  });

  it('gives every function the same resource variables on AWS and locally', () => {
    const platform = new Set(['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    for (const [, r] of ofType('AWS::Lambda::Function')) {
      const id = functionTag(r);
      if (!id) continue;
      const deployed = Object.keys((r.Properties.Environment as { Variables: Record<string, unknown> }).Variables).filter((name) => !platform.has(name));
      expect({ id, variables: deployed.sort() }).toEqual({ id, variables: Object.keys(localEnv.get(id)!).sort() });
    }
  });

  it('deploys no untagged function except CDK-provided custom resource handlers', () => {
    const untagged = ofType('AWS::Lambda::Function').filter(([, r]) => !functionTag(r)).map(([id]) => id);
    for (const id of untagged) expect(id).toMatch(/CustomResource|BucketDeployment|AutoDelete|LogRetention|Provider|AwsCustom/i);
  });

  it('serves locally exactly the routes of the HTTP API', () => {
    const deployed = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string).sort();
    expect(deployed.length).toBeGreaterThan(0);
    expect(api.routeKeys().sort()).toEqual(deployed);
  });

  it('registers every deployed state machine locally with the same definition', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(STATE_MACHINES.length);
    const local = sfn.definitions();
    const localArn = new RegExp(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:([A-Za-z0-9]+)`, 'g');

    for (const spec of STATE_MACHINES) {
      const [, machine] = machines.find(([id]) => id.includes(spec.id)) ?? [];
      expect(machine).toBeDefined();
      // CloudFormation substitutes DefinitionSubstitutions at deploy time; do it here with catalogue IDs.
      let text = resolveDefinition(machine!.Properties.DefinitionString, resources, functionTag);
      const substitutions = (machine!.Properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(substitutions)) {
        text = text.split(`\${${key}}`).join(resolveDefinition({ 'Fn::Join': ['', [value]] }, resources, functionTag));
      }
      expect(text).not.toMatch(/\$\{/);
      const deployed = JSON.parse(text);
      const runLocally = JSON.parse(JSON.stringify(local[spec.id]).replace(localArn, 'function:$1'));
      expect(runLocally).toEqual(deployed);
    }
  });

  it('substitutes every placeholder of every ASL file, and only those', () => {
    for (const spec of STATE_MACHINES) {
      const text = readFileSync(join(ROOT, spec.definitionFile), 'utf8');
      expect(placeholdersOf(text)).toEqual(Object.keys(spec.functionArns).sort());
      expect(JSON.stringify(sfn.definitions()[spec.id])).not.toMatch(/\$\{/);
    }
  });
});

/** Rebuilds an Fn::Join definition string, writing each function ARN reference as `function:<catalogue id>`. */
function resolveDefinition(definition: unknown, resources: Record<string, Resource>, tag: (r: Resource) => string | undefined): string {
  if (typeof definition === 'string') return definition;
  const [separator, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      const ref = getAtt?.[0] ?? (part as { Ref?: string }).Ref;
      const id = ref ? tag(resources[ref]) : undefined;
      if (!id) throw new Error(`Unexpected token in the definition: ${JSON.stringify(part)}`);
      return `function:${id}`;
    })
    .join(separator);
}
