import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, placeholdersOf, ROUTES, routeKey, STATE_MACHINES } from '../../infra/catalogue';
import { allStacks, buildApp } from '../../infra/lib/app';
import { LocalApi } from '../../infra/local/api';
import { ACCOUNT, functionEnvironments, PREFIX, REGION, registerStateMachines } from '../../infra/local/cloud';
import { LocalFunctions } from '../../infra/local/functions';
import { LocalStepFunctions } from '../../infra/local/stepfunctions';

jest.setTimeout(360_000);

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
  let jwks: Server;
  let front: Server;
  let base: string;
  let token: string;
  /** Every invocation the front made: which function, for which route key. */
  const invoked: { functionId: string; routeKey: string }[] = [];

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

    // The front, with a user pool of our own: a JWKS we serve and an ID token we sign.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'parity', alg: 'RS256', use: 'sig' }] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    const issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/${REGION}_parity`;
    const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const head = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'parity' })}.${b64url({
      sub: '11111111-1111-4111-8111-111111111111',
      aud: 'client',
      iss: issuer,
      token_use: 'id',
      iat: now - 5,
      exp: now + 3600,
      'cognito:groups': ['admins', 'artists'],
    })}`;
    token = `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
    // … and the local runtime, built by the same code `npm start` uses; its authorizer accepts our pool's tokens.
    localEnv = functionEnvironments({ region: REGION, accountId: ACCOUNT, prefix: PREFIX, userPoolId: `${REGION}_parity`, tokenIssuer: { issuer, audience: ['client'] } });
    // Each function in its own workers with its own variables; no service listens behind the endpoints,
    // so a handler that calls one answers its own 500 INTERNAL_ERROR.
    const nowhere = 'http://127.0.0.1:9';
    functions = new LocalFunctions(ROOT, REGION, ACCOUNT, {
      baseEnv: {
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_DYNAMODB: nowhere,
        AWS_ENDPOINT_URL_S3: nowhere,
        AWS_ENDPOINT_URL_SFN: nowhere,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: nowhere,
        AWS_MAX_ATTEMPTS: '1',
        POWERTOOLS_LOG_LEVEL: 'CRITICAL',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
      environment: (spec) => localEnv.get(spec.id) ?? {},
    });
    await functions.load();
    const state = mkdtempSync(join(tmpdir(), 'parity-sfn-'));
    mkdirSync(state, { recursive: true });
    sfn = new LocalStepFunctions({ region: REGION, accountId: ACCOUNT, stateFile: join(state, 'executions.json'), invoke: async () => null });
    registerStateMachines(ROOT, sfn, functions);

    api = new LocalApi({
      allowedOrigins: [],
      invoke: (functionId, event) => {
        invoked.push({ functionId, routeKey: (event as { routeKey: string }).routeKey });
        return functions.invoke(functionId, event);
      },
    });
    front = createServer(api.listener);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    front?.close();
    jwks?.close();
    await functions?.close();
  });

  it('loads a local handler for every function the template deploys, and nothing else', () => {
    const deployed = ofType('AWS::Lambda::Function').map(([, r]) => functionTag(r)).filter(Boolean).sort();
    expect(deployed).toEqual(FUNCTIONS.map((f) => f.id).sort());
    expect(functions.loaded().sort()).toEqual(deployed);
  });

  it('gives every function the same resource variables on AWS and locally', () => {
    const platform = new Set(['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'STAGE_NAME']);
    for (const [, r] of ofType('AWS::Lambda::Function')) {
      const id = functionTag(r);
      if (!id) continue;
      const deployed = Object.keys((r.Properties.Environment as { Variables: Record<string, unknown> }).Variables).filter((name) => !platform.has(name));
      expect({ id, variables: deployed.sort() }).toEqual({ id, variables: Object.keys(localEnv.get(id)!).sort() });
    }
  });

  it('deploys no untagged function except CDK-provided custom resource handlers', () => {
    const untagged = ofType('AWS::Lambda::Function').filter(([, r]) => !functionTag(r)).map(([id]) => id);
    // AWS679f53fac002430cb0da5b7982bd2287 is the singleton handler of every AwsCustomResource (its fixed UUID).
    for (const id of untagged) expect(id).toMatch(/CustomResource|BucketDeployment|BucketNotificationsHandler|AutoDelete|LogRetention|Provider|AwsCustom|^AWS679f53fac002430cb0da5b7982bd2287/i);
  });

  it('serves locally exactly the routes of the HTTP API', () => {
    const deployed = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string).sort();
    expect(deployed.length).toBeGreaterThan(0);
    expect(api.routeKeys().sort()).toEqual(deployed);
  });

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    'sends %s to the function the catalogue names, whose handler answers',
    async (key, route) => {
      const path = route.path.replace(/\{[^}]+\}/g, '9b2f3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d');
      const since = invoked.length;
      const res = await fetch(`${base}${path}`, {
        method: route.method,
        headers: { authorization: `Bearer ${token}`, ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
        body: route.method === 'GET' ? undefined : '{}',
      });
      const body = (await res.json()) as Record<string, unknown>;
      // The authorizer runs first (then its answer is cached for the token), then the route's function.
      expect(invoked.slice(since).filter((i) => i.functionId !== 'Authorize')).toEqual([{ functionId: route.functionId, routeKey: key }]);
      // The handler's answer: its success status, or one of its own error codes; never the front's 404 / 401.
      if (res.status !== route.contract.status) expect(body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
      expect(body).not.toEqual({ message: 'Not Found' });
      expect(body).not.toEqual({ message: 'Unauthorized' });
      expect(body).not.toEqual({ message: 'Forbidden' });
    },
  );

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
