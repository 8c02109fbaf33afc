import { resolve } from 'node:path';
import { FUNCTIONS } from '../../../infra/catalogue';
import { ACCOUNT, type FunctionRuntime, PREFIX, REGION, startFunctionRuntime } from '../../../infra/local/cloud';
import { functionAccessKey } from '../../../infra/local/functions';

/** The cloud's function runtime: what each function's sandbox is given. */
describe('function runtime environments', () => {
  const services = { dynamodb: 'http://127.0.0.1:8000', s3: 'http://127.0.0.1:4569', stepfunctions: 'http://127.0.0.1:8083', cognito: 'http://127.0.0.1:9229', ses: 'http://127.0.0.1:9340' };
  let runtime: FunctionRuntime;

  beforeAll(async () => {
    runtime = await startFunctionRuntime({
      root: resolve(__dirname, '..', '..', '..'),
      services,
      context: { region: REGION, accountId: ACCOUNT, prefix: PREFIX, userPoolId: `${REGION}_pool` },
      baseEnv: { POWERTOOLS_LOG_LEVEL: 'WARN' },
    });
  });
  afterAll(() => runtime.stop());

  it("gives each function only its own grants' variables, and endpoints that are the proxies, not the services", () => {
    const listOrders = runtime.functions.environment('ListOrders');
    expect(listOrders).toMatchObject({ AWS_REGION: REGION, TABLE_NAME: PREFIX, POWERTOOLS_LOG_LEVEL: 'WARN', AWS_ACCESS_KEY_ID: functionAccessKey('ListOrders') });
    expect(listOrders.USER_POOL_ID).toBeUndefined();
    expect(listOrders.ORDER_PIPELINE_ARN).toBeUndefined();
    expect(runtime.functions.environment('GetMe')).toMatchObject({ USER_POOL_ID: `${REGION}_pool` });
    expect(runtime.functions.environment('GetMe').UPLOADS_BUCKET).toBeUndefined();
    // A function with no grants gets no resource variable at all.
    const health = runtime.functions.environment('GetHealth');
    expect([health.TABLE_NAME, health.USER_POOL_ID, health.UPLOADS_BUCKET]).toEqual([undefined, undefined, undefined]);
    for (const [variable, service] of [
      ['AWS_ENDPOINT_URL_DYNAMODB', 'dynamodb'],
      ['AWS_ENDPOINT_URL_S3', 's3'],
      ['AWS_ENDPOINT_URL_SFN', 'stepfunctions'],
      ['AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'cognito'],
      ['AWS_ENDPOINT_URL_SESV2', 'ses'],
    ] as const) {
      expect(listOrders[variable]).toBe(runtime.proxies[service]);
      expect(listOrders[variable]).not.toBe(services[service]);
    }
  });

  it('names every function with its own access key', () => {
    const keys = FUNCTIONS.map((spec) => runtime.functions.environment(spec.id).AWS_ACCESS_KEY_ID);
    expect(new Set(keys).size).toBe(FUNCTIONS.length);
    expect(keys).not.toContain('S3RVER');
  });
});
