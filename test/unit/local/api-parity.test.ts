import { Template } from 'aws-cdk-lib/assertions';
import { cognitoAuthorizer, LocalApi } from '../../../infra/local/api';
import { cognitoLocalEnv, localAuthorizer } from '../../../infra/local/cloud';
import { testApp } from '../../infra/support';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized CloudFormation JSON is untyped
type Json = any;

/**
 * Renders a CloudFormation value as a string with its references spelled out:
 * `{Ref: X}` → `<X>`, an import of another stack's output → `<the logical ID it exports>`.
 */
function render(value: Json, imports: Record<string, string>): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return `<${value.Ref}>`;
  if (value?.['Fn::Join']) {
    const [sep, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((p) => render(p, imports)).join(sep);
  }
  if (value?.['Fn::ImportValue']) {
    const name = render(value['Fn::ImportValue'], imports);
    if (!(name in imports)) throw new Error(`import of an unknown export ${name}`);
    return imports[name];
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

describe('authorizer parity: the token issuer the AWS authorizer and the local one accept follow the same rule', () => {
  let jwt: { Issuer: Json; Audience: Json[] };
  let authResources: Record<string, { Type: string; Properties: Json }>;
  let imports: Record<string, string>;
  let region: string;
  let authorizer: Json;

  beforeAll(async () => {
    const { stacks } = await testApp({ stage: 'test', removalPolicy: 'retain' });
    const api = Template.fromStack(stacks.api).toJSON();
    const auth = Template.fromStack(stacks.auth).toJSON();
    authResources = auth.Resources;
    // The Auth stack's exports, by export name → the logical ID they export.
    imports = {};
    for (const output of Object.values(auth.Outputs ?? {}) as Json[]) {
      if (output.Export?.Name && output.Value?.Ref) imports[render(output.Export.Name, {})] = `<${output.Value.Ref}>`;
    }
    const authorizers = Object.values(api.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    authorizer = authorizers[0].Properties;
    // The Lambda authorizer's function reads the issuer and audiences from its SignInTokens grant (TOKEN_ISSUER, JSON).
    const [fn] = Object.values(api.Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && (r.Properties.Tags ?? []).some((t: Json) => t.Key === 'function' && t.Value === 'Authorize'),
    );
    const { issuer, audience } = JSON.parse(render(fn.Properties.Environment.Variables.TOKEN_ISSUER, imports)) as { issuer: string; audience: string[] };
    jwt = { Issuer: issuer, Audience: audience };
    region = stacks.api.region;
  });

  it('on AWS: a REQUEST authorizer, payload 2.0, simple responses, the Authorization header, results cached 300 s', () => {
    expect(authorizer).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  const refOf = (rendered: string) => rendered.replace(/^<|>$/g, '');

  it('on AWS: the issuer is the Cognito endpoint of the region followed by the user pool ID, the audience the web client', () => {
    const issuer = render(jwt.Issuer, imports);
    const audience = jwt.Audience.map((a: Json) => render(a, imports));
    const poolRef = issuer.slice(issuer.lastIndexOf('/') + 1);
    expect(authResources[refOf(poolRef)]?.Type).toBe('AWS::Cognito::UserPool');
    expect(audience).toHaveLength(1);
    const client = authResources[refOf(audience[0])];
    expect(client?.Type).toBe('AWS::Cognito::UserPoolClient');
    expect(render(client.Properties.UserPoolId, {})).toBe(poolRef);

    // The same rule the local front is configured by, applied to AWS's Cognito endpoint.
    const regionText = /^\$\{Token/.test(region) ? '<AWS::Region>' : region;
    expect({ issuer, audience }).toEqual(cognitoAuthorizer(`https://cognito-idp.${regionText}.amazonaws.com`, poolRef, audience));
  });

  it('locally: the issuer is cognito-local\'s endpoint followed by the local pool ID, the audience the local web client', () => {
    const pool = { userPoolId: 'local_AbCd1234', clientId: 'localwebclient' };
    expect(localAuthorizer(9229, pool)).toEqual({ issuer: 'http://127.0.0.1:9229/local_AbCd1234', audience: ['localwebclient'] });
    expect(localAuthorizer(9229, pool)).toEqual(cognitoAuthorizer('http://127.0.0.1:9229', pool.userPoolId, [pool.clientId]));
  });

  it("locally: that issuer is the `iss` cognito-local writes into its tokens (IssuerDomain from the HOST and PORT it is started with)", () => {
    const saved = { PORT: process.env.PORT, HOST: process.env.HOST };
    Object.assign(process.env, cognitoLocalEnv(45678));
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- cognito-local computes its defaults from the environment when loaded
        const { DefaultConfig } = require('cognito-local/lib/server/config') as { DefaultConfig: { TokenConfig: { IssuerDomain: string }; ServerConfig: { hostname: string } } };
        // Its token generator signs `iss` = `${IssuerDomain}/${UserPoolId}` (lib/services/tokenGenerator.js).
        expect(`${DefaultConfig.TokenConfig.IssuerDomain}/local_pool`).toBe(localAuthorizer(45678, { userPoolId: 'local_pool', clientId: 'c' }).issuer);
        expect(DefaultConfig.ServerConfig.hostname).toBe('127.0.0.1');
      });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('the local front calls the catalogue\'s authorizer and keeps its answers as long as API Gateway does', () => {
    const api = new LocalApi({ allowedOrigins: [], invoke: async () => null });
    expect(api.authorizer).toEqual({ functionId: 'Authorize', cacheTtlSeconds: 300 });
  });
});
