import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { join } from 'node:path';
import { type OrderStatus, type OrderView, PRODUCTION_STATUSES } from '../../../shared/orders';
import { createConfirmedUser } from '../../cognito-users';
import { type SampleFace, sampleFaces } from '../../sample-faces';
import type { DemoUser, LocalEndpoints } from '../endpoints';
import { ApiClient, type Pacer } from './api';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Selfies per order: the wizard's six. */
const SELFIES = 6;
const PASSWORD = 'Load-person-2026!';

/** Signs in through Cognito's InitiateAuth (USER_PASSWORD_AUTH) and answers the ID token. */
export async function signIn(endpoints: LocalEndpoints, user: Pick<DemoUser, 'email' | 'password'>): Promise<string> {
  const res = await fetch(`${endpoints.cognito.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: endpoints.cognito.clientId, AuthParameters: { USERNAME: user.email, PASSWORD: user.password } }),
  });
  const body = (await res.json()) as { AuthenticationResult?: { IdToken: string } };
  if (!body.AuthenticationResult) throw new Error(`Sign-in failed for ${user.email}: ${JSON.stringify(body)}`);
  return body.AuthenticationResult.IdToken;
}

/** One order of the run and the person who placed it. */
export interface LoadOrder {
  readonly index: number;
  readonly person: string;
  readonly api: ApiClient;
  /** The person's own wallet, which pays for the order. */
  readonly walletId: string;
  orderId?: string;
  /** The latest view polled. */
  view?: OrderView;
  /** Why it never reached the gate (or the confirmation failed). */
  setupError?: string;
  confirmedAt?: number;
  finishedAt?: number;
}

/**
 * Keeps the latest view of every order, polling them in turn at a bounded rate
 * (the route's throttling is shared by all of them, and each person has a
 * rate limit of their own), so waiting for a status costs no extra calls.
 */
export class Tracker {
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly orders: readonly LoadOrder[],
    private readonly signal: AbortSignal,
    /** Polls a second across all orders. */
    private readonly rate = 8,
    /** No order is polled more often than this, ms. */
    private readonly minIntervalMs = 1_500,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const last = new Map<LoadOrder, number>();
    while (!this.stopped) {
      const due = this.orders.filter((o) => o.orderId && !o.setupError && !isFinished(o.view?.status));
      if (!due.length) {
        await sleep(250);
        continue;
      }
      const order = due.reduce((a, b) => ((last.get(a) ?? 0) <= (last.get(b) ?? 0) ? a : b));
      const wait = (last.get(order) ?? 0) + this.minIntervalMs - Date.now();
      if (wait > 0) await sleep(Math.min(wait, 250));
      if (wait > 250) continue;
      last.set(order, Date.now());
      try {
        const answer = await order.api.call({ route: 'GET /v1/orders/{orderId}', params: { orderId: order.orderId! } });
        if (answer.status === 200) {
          order.view = answer.body as unknown as OrderView;
          if (isFinished(order.view.status) && order.finishedAt === undefined) order.finishedAt = Date.now();
        }
      } catch {
        // a refused connection under load: polled again on its next turn
      }
      await sleep(1000 / this.rate);
    }
  }

  /** Waits until `check` holds for the order's latest view (or the order failed in setup), or `timeoutMs` passed. */
  async until(order: LoadOrder, check: (view: OrderView) => boolean, timeoutMs: number, what: string): Promise<OrderView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (order.view && check(order.view)) return order.view;
      if (this.signal.aborted) throw new Error('stopped by Ctrl-C');
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last status ${order.view?.status ?? 'unknown'})`);
      await sleep(200);
    }
  }

  /** Stops polling; a poll under way (a busy cloud may take a minute to answer) is left to end on its own. */
  stop(): void {
    this.stopped = true;
    void this.loop;
  }
}

/** Production's ends, and the ends before it. */
export const FINISHED: readonly OrderStatus[] = ['PENDING_REVIEW', 'FAILED', 'REJECTED', 'EXPIRED', 'DISCARDED'];
export const isFinished = (status: OrderStatus | undefined): boolean => status !== undefined && FINISHED.includes(status);

export interface Setup {
  readonly endpoints: LocalEndpoints;
  readonly pacer: Pacer;
  readonly studioId: string;
  readonly styleIds: readonly string[];
  /** Where the sample faces are cached (made on the first `npm start`). */
  readonly facesDir: string;
}

/** The run's admin: the local cloud's demo admin. */
export async function adminClient(setup: Setup): Promise<ApiClient> {
  const admin = setup.endpoints.users.find((u) => u.role === 'admin');
  if (!admin) throw new Error('The endpoints file names no demo admin');
  const login = () => signIn(setup.endpoints, admin);
  return new ApiClient(setup.endpoints.api, setup.pacer, login, await login());
}

/**
 * A new person per order (each person may have 5 orders in progress and has a rate
 * limit of their own): created confirmed in the user pool as the local cloud makes its
 * demo people, signed in, wallet opened by the first `GET /v1/me`.
 */
export async function makePeople(setup: Setup, count: number, stamp: string): Promise<LoadOrder[]> {
  const cognito = new CognitoIdentityProviderClient({
    region: setup.endpoints.region,
    endpoint: setup.endpoints.cognito.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return await inBatches(
      Array.from({ length: count }, (_, index) => index),
      6,
      async (index): Promise<LoadOrder> => {
        const email = `load.${stamp}.${index + 1}@example.com`;
        await createConfirmedUser(cognito, setup.endpoints.cognito.userPoolId, email, PASSWORD);
        const login = () => signIn(setup.endpoints, { email, password: PASSWORD });
        const api = new ApiClient(setup.endpoints.api, setup.pacer, login, await login());
        const me = (await api.must({ route: 'GET /v1/me' }, 200)) as { sub: string; wallets?: { walletId: string; kind: string }[] };
        return { index, person: email, api, walletId: me.wallets?.find((w) => w.kind === 'person')?.walletId ?? me.sub };
      },
    );
  } finally {
    cognito.destroy();
  }
}

/**
 * Brings one order to the confirmation gate as a customer would: a draft, credits
 * for it (an admin's adjustment, as the tests give them), six selfies through the
 * presigned POST, their verdicts, the submission, the gate.
 */
export async function orderToGate(setup: Setup, admin: ApiClient, tracker: Tracker, order: LoadOrder, faces: readonly SampleFace[]): Promise<void> {
  const { api } = order;
  const draft = await api.must({ route: 'POST /v1/orders', body: { studioId: setup.studioId, styleIds: setup.styleIds } }, 201);
  const orderId = draft.orderId as string;
  order.orderId = orderId;
  const credits = Number(draft.credits ?? 0) || 100;
  const walletId = typeof draft.walletId === 'string' ? draft.walletId : order.walletId;
  await admin.must({ route: 'POST /v1/admin/wallets/{walletId}/adjustments', params: { walletId }, body: { amount: credits, reason: `Load run: credits for order ${order.index + 1}` } }, 201);

  const uploaded = new Set<string>();
  for (let i = 0; i < SELFIES; i++) {
    const face = faces[(order.index + i) % faces.length]!;
    const started = await api.must(
      { route: 'POST /v1/orders/{orderId}/photos', params: { orderId }, body: { fileName: `${face.name}.jpg`, contentType: 'image/jpeg', size: face.jpeg.length } },
      201,
    );
    const { photoId, upload } = started as { photoId: string; upload: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(face.jpeg)], { type: 'image/jpeg' }), `${face.name}.jpg`);
    const posted = await fetch(upload.url, { method: 'POST', body: form });
    if (posted.status >= 300) throw new Error(`the upload of ${face.name} answered ${posted.status} ${await posted.text()}`);
    uploaded.add(photoId);
  }
  // A photo record whose creation answered 500 (a sandbox timed out after writing it) never gets its file: drop it.
  const listed = await api.must({ route: 'GET /v1/orders/{orderId}', params: { orderId } }, 200);
  for (const photo of (listed.photos as { photoId: string }[] | undefined) ?? []) {
    if (!uploaded.has(photo.photoId)) await api.call({ route: 'DELETE /v1/orders/{orderId}/photos/{photoId}', params: { orderId, photoId: photo.photoId } });
  }
  await tracker.until(
    order,
    (v) => (v.photos ?? []).filter((p) => uploaded.has(p.photoId)).length >= SELFIES && (v.photos ?? []).every((p) => p.status !== 'UPLOADING' && p.status !== 'VALIDATING'),
    15 * 60_000,
    'the selfies to be checked',
  );
  const submitted = await api.call({ route: 'POST /v1/orders/{orderId}/submit', params: { orderId } });
  // A retried submit after a 500 that went through answers 409: the order has moved on, which is all we want.
  if (submitted.status !== 202 && submitted.status !== 409) throw new Error(`submitOrder answered ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const view = await tracker.until(order, (v) => v.status !== 'DRAFT' && v.status !== 'VALIDATING' && v.status !== 'SUBMITTED', 15 * 60_000, 'the gate');
  if (view.status !== 'PENDING_EDITOR_CONFIRMATION') throw new Error(`stopped at ${view.status}${view.missing ? `: ${view.missing}` : ''}`);
}

/** The admin confirms an order at the gate; a confirmation repeated after a 500 that went through finds it in production. */
export async function confirm(admin: ApiClient, order: LoadOrder): Promise<void> {
  const params = { orderId: order.orderId! };
  const answer = await admin.call({ route: 'POST /v1/admin/orders/{orderId}/decision', params, body: { decision: 'confirm' } });
  if (answer.status === 202) return;
  const now = await order.api.call({ route: 'GET /v1/orders/{orderId}', params });
  const status = (now.body as { status?: OrderStatus }).status;
  if (status && (PRODUCTION_STATUSES as readonly string[]).includes(status)) return;
  throw new Error(`the decision answered ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** The sample faces the tests use as selfies (made by the first `npm start`, then cached). */
export function loadFaces(setup: Pick<Setup, 'facesDir'>): Promise<SampleFace[]> {
  return sampleFaces(join(setup.facesDir));
}

/** Runs `work` over `items`, at most `width` at a time; answers the results in order. */
export async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}
