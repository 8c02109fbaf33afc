/**
 * Smoke test of a running stage: drives one order through the public API,
 * exactly as the web app does (the same typed client, the same Cognito sign-in),
 * from the health check through the marketplace, six selfies uploaded straight to
 * S3 and checked there, to a confirmed order whose pipeline succeeded. The selfies
 * are real face photos made offline from face-api's demo pictures.
 *
 *   npm run smoke -- --stage dev                  a deployed stage (endpoints from its stack outputs)
 *   npm run smoke -- --local                      the local cloud (.local/endpoints.json)
 *   npm run smoke -- --local --endpoints-file F   another local cloud
 *
 * On a deployed stage it creates a customer and an admin in the user pool for
 * the run (with the caller's AWS credentials) and deletes them afterwards;
 * locally it signs in as the demo accounts. Exits 0 when every step passed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AdminAddUserToGroupCommand, AdminDeleteUserCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createConfirmedUser } from './cognito-users';
import { join } from 'node:path';
import { getMe } from '../shared/api/accounts';
import { createPhotoUpload, submitOrder } from '../shared/api/photos';
import { adjustWallet } from '../shared/api/wallets';
import { getStudio, listStudios } from '../shared/api/studios';
import { sampleFaces } from './sample-faces';
import { ApiClient } from '../web/src/api/client';
import type { LocalEndpoints } from './local/endpoints';

/** Where the stage lives and how to sign in to it. */
export interface SmokeTarget {
  readonly name: string;
  readonly apiUrl: string;
  readonly region: string;
  /** Cognito endpoint; undefined for AWS's regional one. */
  readonly cognitoEndpoint?: string;
  readonly clientId: string;
  readonly customer: Credentials;
  readonly admin: Credentials;
  /** Removes what the run created (temporary users). */
  readonly cleanUp: () => Promise<void>;
}

interface Credentials {
  readonly email: string;
  readonly password: string;
}

export interface SmokeOptions {
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** How long the pipeline may take to reach each state. @default 90 s */
  readonly stepTimeoutMs?: number;
}

/** Runs every step against `target`; throws with the failed step's name and reason. */
export async function smoke(target: SmokeTarget, options: SmokeOptions): Promise<void> {
  const { log } = options;
  const timeoutMs = options.stepTimeoutMs ?? 90_000;
  const started = Date.now();
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const at = Date.now();
    try {
      const result = await run();
      log(`  ✓ ${name} (${Date.now() - at} ms)`);
      return result;
    } catch (error) {
      log(`  ✗ ${name}: ${(error as Error).message}`);
      throw new Error(`Smoke test failed at "${name}": ${(error as Error).message}`, { cause: error });
    }
  };

  log(`Smoke test of ${target.name} (${target.apiUrl})`);
  const anonymous = new ApiClient(target.apiUrl);
  await step('the API answers its health check', async () => {
    const health = await fetch(`${target.apiUrl}/v1/health`);
    if (health.status !== 200) throw new Error(`GET /v1/health answered ${health.status}`);
  });
  await step('the OpenAPI document is served', async () => {
    const document = await anonymous.openApi();
    if (!document.openapi.startsWith('3.1')) throw new Error(`openapi is ${document.openapi}`);
  });

  const cognito = new CognitoIdentityProviderClient({ region: target.region, endpoint: target.cognitoEndpoint, credentials: NO_CREDENTIALS });
  const signIn = async (who: Credentials) => {
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({ ClientId: target.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: who.email, PASSWORD: who.password } }),
    );
    const idToken = AuthenticationResult?.IdToken;
    if (!idToken) throw new Error(`no token for ${who.email}`);
    return new ApiClient(target.apiUrl, { idToken: async () => idToken, refresh: async () => undefined });
  };
  const customer = await step('the customer signs in', () => signIn(target.customer));
  const admin = await step('the admin signs in', () => signIn(target.admin));

  const studio = await step('the marketplace lists a studio with a style', async () => {
    const { studios } = await anonymous.call(listStudios, { query: {} });
    const found = studios.find((s) => s.styleCount > 0);
    if (!found) throw new Error('no studio has a style yet');
    return anonymous.call(getStudio, { params: { studioId: found.studioId } });
  });
  const style = studio.styles[0]!;
  await step("the customer's wallet holds what the style costs", async () => {
    // The first visit opens the wallet (with the sign-up credits); the admin adds what the style costs.
    const me = await customer.call(getMe, {});
    const wallet = me.wallets.find((w) => w.kind === 'person');
    if (!wallet) throw new Error('GET /v1/me lists no personal wallet');
    if (wallet.balance < style.priceCredits) {
      await admin.call(adjustWallet, { params: { walletId: wallet.walletId }, body: { amount: style.priceCredits - wallet.balance, reason: 'Smoke test order' } });
    }
  });
  const order = await step('the customer starts an order', () => customer.createOrder({ studioId: studio.studioId, styleIds: [style.styleId], note: 'smoke test' }));
  await step('six selfies are uploaded straight to S3', async () => {
    const faces = (await sampleFaces(join(resolve(__dirname, '..'), '.local', 'cache', 'sample-faces'))).slice(0, 6);
    for (const face of faces) {
      const { upload } = await customer.call(createPhotoUpload, {
        params: { orderId: order.orderId },
        body: { fileName: `${face.name}.jpg`, contentType: 'image/jpeg', size: face.jpeg.length },
      });
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(face.jpeg)], { type: 'image/jpeg' }), `${face.name}.jpg`);
      const posted = await fetch(upload.url, { method: 'POST', body: form });
      if (posted.status >= 300) throw new Error(`S3 answered ${posted.status}: ${await posted.text()}`);
    }
  });
  await step('every selfie is checked and accepted', () =>
    poll(async () => {
      const current = await customer.getOrder(order.orderId);
      const photos = current.photos ?? [];
      const refused = photos.find((p) => p.status === 'REJECTED' || p.status === 'DUPLICATE');
      if (refused) throw new Error(`${refused.fileName} was refused: ${refused.reason}`);
      return photos.length === 6 && photos.every((p) => p.status === 'ACCEPTED') ? current : undefined;
    }, timeoutMs),
  );
  await step('the customer submits the order', () => customer.call(submitOrder, { params: { orderId: order.orderId } }));
  const waitFor = (status: string, execution?: string) =>
    poll(async () => {
      const current = await customer.getOrder(order.orderId);
      if (current.status === 'FAILED' || current.status === 'REJECTED' || current.status === 'EXPIRED') {
        throw new Error(`the order ended ${current.status}: ${current.failureReason ?? 'no reason given'}`);
      }
      return current.status === status ? current : undefined;
    }, timeoutMs).then(async (current) =>
      execution ? poll(async () => ((await admin.getOrder(order.orderId)).execution?.status === execution ? current : undefined), timeoutMs) : current,
    );
  await step('the pipeline checks the photos, plans the styles and waits at the confirmation gate', () => waitFor('PENDING_EDITOR_CONFIRMATION'));
  await step('the admin finds it in the confirmation queue', async () => {
    const queue = await admin.orderQueue('PENDING_EDITOR_CONFIRMATION', { limit: 100 });
    if (!queue.orders.some((o) => o.orderId === order.orderId)) throw new Error('the order is not on the first page of the queue');
  });
  await step('the admin confirms it', () => admin.decide(order.orderId, { decision: 'confirm' }));
  await step('the order is confirmed and its pipeline succeeds', () => waitFor('CONFIRMED', 'SUCCEEDED'));
  log(`Passed in ${((Date.now() - started) / 1000).toFixed(1)} s (order ${order.orderId}).`);
}

/** Cognito's user-facing calls (InitiateAuth) need no AWS credentials. */
const NO_CREDENTIALS = { accessKeyId: 'none', secretAccessKey: 'none' };

async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The local cloud of an endpoints file, signed in as its demo accounts. */
export function localTarget(endpointsFile: string): SmokeTarget {
  const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as LocalEndpoints;
  const user = (role: 'customer' | 'admin') => {
    const found = endpoints.users.find((u) => u.role === role);
    if (!found) throw new Error(`${endpointsFile} names no ${role} account`);
    return { email: found.email, password: found.password };
  };
  return {
    name: 'the local cloud',
    apiUrl: endpoints.api,
    region: endpoints.region,
    cognitoEndpoint: endpoints.cognito.endpoint,
    clientId: endpoints.cognito.clientId,
    customer: user('customer'),
    admin: user('admin'),
    cleanUp: async () => undefined,
  };
}

/**
 * A deployed stage: the API URL and the user pool from its stacks' outputs,
 * and a customer and an admin created for this run (deleted by `cleanUp`).
 */
export async function deployedTarget(stage: string, appName = 'HeadshotStudio'): Promise<SmokeTarget> {
  const cloudFormation = new CloudFormationClient({});
  const outputs = async (stack: string) => {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: `${appName}-${stage}-${stack}` }));
    return Object.fromEntries((Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  };
  const [api, auth] = await Promise.all([outputs('Api'), outputs('Auth')]);
  const apiUrl = api.ApiUrl;
  const userPoolId = auth.UserPoolId;
  const clientId = auth.WebClientId;
  if (!apiUrl || !userPoolId || !clientId) throw new Error(`Stage ${stage} has no ApiUrl, UserPoolId or WebClientId output; is it deployed?`);
  const region = await cloudFormation.config.region();

  const cognito = new CognitoIdentityProviderClient({ region });
  const run = randomUUID().slice(0, 8);
  const person = (role: string): Credentials => ({
    email: `smoke-${role}-${run}@example.com`,
    // Meets the pool's policy: upper, lower, digit, symbol, 12+ characters.
    password: `Sm0ke-${randomBytes(12).toString('base64url')}!a`,
  });
  const customer = person('customer');
  const admin = person('admin');
  const created: string[] = [];
  for (const who of [customer, admin]) {
    await createConfirmedUser(cognito, userPoolId, who.email, who.password);
    created.push(who.email);
  }
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: admin.email, GroupName: 'admins' }));
  return {
    name: `stage ${stage}`,
    apiUrl,
    region,
    clientId,
    customer,
    admin,
    cleanUp: async () => {
      for (const email of created) await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
    },
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stage: { type: 'string' }, local: { type: 'boolean' }, 'endpoints-file': { type: 'string' } },
  });
  if (!values.stage && !values.local) {
    console.error('Name a deployed stage (--stage dev) or the local cloud (--local).');
    return 2;
  }
  const target = values.local ? localTarget(resolve(values['endpoints-file'] ?? '.local/endpoints.json')) : await deployedTarget(values.stage!);
  try {
    await smoke(target, { log: (line) => console.log(line) });
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  } finally {
    await target.cleanUp();
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    },
  );
}
