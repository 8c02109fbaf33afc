import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createConfirmedUser } from '../../../infra/cognito-users';
import type { LocalEndpoints } from '../../../infra/local/endpoints';
import type { OrderView } from '../../../shared/orders';
import { demoUser, eventually, signIn } from '../local-cloud';
import { testFaces, type UploadFile } from '../order-flow';
import { callApi, subOf, type Answer } from './client';
import { PRINCIPALS, type Principal, type PrincipalId, KEY_ACTS_AS } from './principals';

type Role = 'owner' | 'admin' | 'member';

/** A person made for the run (not one of the principals), signed in. */
export interface Person {
  readonly token: string;
  readonly sub: string;
  readonly email: string;
}

/** An invitation and the token of its e-mailed link. */
export interface Invitation {
  readonly orgId: string;
  readonly invitationId: string;
  readonly token: string;
}

/** A style image uploaded by the admin (and, when `completed`, added to its style). */
export interface StyleImage {
  readonly studioId: string;
  readonly styleId: string;
  readonly imageId: string;
}

/**
 * Everything the matrix calls routes on, made through the API as people would
 * (only the extra Cognito users are made with admin calls, as the local cloud
 * makes its demo people): customer A's orders, photo and wallet, the fixture
 * organisation with an owner, an admin, a member and a pending invitation, a
 * studio of the admin's, and helpers that make a fresh fixture when a
 * successful call consumes one.
 */
export class World {
  private constructor(
    readonly endpoints: LocalEndpoints,
    readonly principals: readonly Principal[],
    private readonly cognito: CognitoIdentityProviderClient,
    readonly fixtures: Fixtures,
  ) {}

  /** The principal with this ID (skipped ones included). */
  as(id: PrincipalId): Principal {
    return this.principals.find((p) => p.id === id)!;
  }

  /** Customer A: the owner of the fixtures. */
  get customer(): Principal {
    return this.as('customer');
  }

  /** A call that must answer `status` (setup and snapshots); throws naming the call otherwise. */
  async must(who: Principal | Person, method: string, path: string, status: number, body?: unknown): Promise<Record<string, unknown>> {
    const answer = await callApi(this.endpoints.api, method, path, { token: who.token, body });
    if (answer.status !== status) throw new Error(`Setup: ${method} ${path} answered ${answer.status} ${JSON.stringify(answer.body)}, not ${status}`);
    return answer.body;
  }

  /** A call whose answer the caller inspects. */
  call(who: Principal | Person, method: string, path: string, body?: unknown): Promise<Answer> {
    return callApi(this.endpoints.api, method, path, { token: who.token, body });
  }

  // ── fresh fixtures ──────────────────────────────────────────────────────────────────────────

  /** A new confirmed, signed-in person with an opened personal wallet. */
  async person(name: string): Promise<Person> {
    const email = `${name}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}@example.com`;
    await createConfirmedUser(this.cognito, this.endpoints.cognito.userPoolId, email, PASSWORD);
    const token = await signIn(this.endpoints, { role: 'customer', email, password: PASSWORD, groups: [] });
    const person = { token, sub: subOf(token), email };
    await this.must(person, 'GET', '/v1/me', 200);
    return person;
  }

  /** A new organisation of the fixture organisation's owner, unless `owner` says otherwise. */
  async organisation(name: string, owner: Principal | Person = this.as('orgOwner')): Promise<string> {
    return (await this.must(owner, 'POST', '/v1/organisations', 201, { name })).orgId as string;
  }

  /** Invites `email` (by the fixture organisation's owner, unless `by` says otherwise) and reads the link's token from the local outbox. */
  async invite(orgId: string, email: string, role: Role, by: Principal | Person = this.as('orgOwner')): Promise<Invitation> {
    const before = new Set(await this.tokensFor(email));
    const invitation = await this.must(by, 'POST', `/v1/organisations/${orgId}/invitations`, 201, { email, role });
    const token = await eventually(async () => (await this.tokensFor(email)).find((t) => !before.has(t)), 15_000, `the invitation e-mail to ${email}`);
    return { orgId, invitationId: invitation.invitationId as string, token };
  }

  /** Makes `who` a member of the organisation in `role`: invited by its owner, accepted with the e-mailed token. */
  async join(orgId: string, who: Principal | Person, role: Role): Promise<void> {
    const { token } = await this.invite(orgId, who.email!, role);
    await this.must(who, 'POST', '/v1/invitations/accept', 200, { token });
  }

  /** A new person who joined the fixture organisation, as a member unless `role` says otherwise. */
  async member(role: Role = 'member'): Promise<Person> {
    const person = await this.person(role);
    await this.join(this.fixtures.orgId, person, role);
    return person;
  }

  /** A new pending invitation (to someone without an account) in the fixture organisation, by its owner unless `by` says otherwise. */
  pendingInvitation(role: Role = 'member', orgId = this.fixtures.orgId, by: Principal | Person = this.as('orgOwner')): Promise<Invitation> {
    return this.invite(orgId, `invitee.${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}@example.com`, role, by);
  }

  /** A new draft of `who` with one photo recorded (still uploading). */
  async draft(who: Principal): Promise<string> {
    const orderId = (await this.must(who, 'POST', '/v1/orders', 201, { studioId: 'north-light-studio', styleIds: ['corporate-grey'] })).orderId as string;
    await this.must(who, 'POST', `/v1/orders/${orderId}/photos`, 201, { fileName: 'me.jpg', contentType: 'image/jpeg', size: 200_000 });
    return orderId;
  }

  /** A new photo of customer A's draft, recorded and still uploading. */
  async photo(orderId = this.fixtures.draftOrderId): Promise<{ orderId: string; photoId: string }> {
    const started = await this.must(this.customer, 'POST', `/v1/orders/${orderId}/photos`, 201, { fileName: 'me.jpg', contentType: 'image/jpeg', size: 200_000 });
    return { orderId, photoId: started.photoId as string };
  }

  /** An image of the admin's studio style, uploaded to S3 through its presigned POST, and added to the style when `complete`. */
  async styleImage(complete: boolean): Promise<StyleImage> {
    const { studioId, styleId } = this.fixtures;
    const jpeg = (await testFaces())[0]!.jpeg;
    const started = await this.must(this.as('admin'), 'POST', `/v1/admin/studios/${studioId}/styles/${styleId}/images`, 201, {
      kind: 'sample',
      contentType: 'image/jpeg',
      size: jpeg.length,
    });
    const { imageId, upload } = started as { imageId: string; upload: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'sample.jpg');
    const posted = await fetch(upload.url, { method: 'POST', body: form });
    if (posted.status >= 300) throw new Error(`Setup: the style image upload answered ${posted.status} ${await posted.text()}`);
    if (complete) await this.must(this.as('admin'), 'POST', `/v1/admin/studios/${studioId}/styles/${styleId}/images/${imageId}/complete`, 200);
    return { studioId, styleId, imageId };
  }

  /** Customer A uploads a selfie to their order as the web app does: the API's presigned POST, then the file to S3. */
  async upload(orderId: string, file: UploadFile): Promise<void> {
    const started = await this.must(this.customer, 'POST', `/v1/orders/${orderId}/photos`, 201, { fileName: file.name, contentType: file.type, size: file.bytes.length });
    const { upload } = started as { upload: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const posted = await fetch(upload.url, { method: 'POST', body: form });
    if (posted.status >= 300) throw new Error(`Setup: the upload of ${file.name} answered ${posted.status} ${await posted.text()}`);
  }

  /** A new draft of customer A's with one accepted selfie, ready to submit; takes seconds, while its photo is checked. */
  async submittableOrder(): Promise<string> {
    const orderId = (await this.must(this.customer, 'POST', '/v1/orders', 201, FIXTURE_STYLE)).orderId as string;
    const face = (await testFaces())[6]!;
    await this.upload(orderId, { name: `${face.name}.jpg`, bytes: face.jpeg, type: 'image/jpeg' });
    await this.settled(orderId);
    return orderId;
  }

  /**
   * Discards one of customer A's drafts that is no fixture, so that A may start another order under the limit
   * of orders in progress (the rows of POST /v1/orders fill it).
   */
  async discardSpareDraft(): Promise<void> {
    const listed = await this.must(this.customer, 'GET', '/v1/orders', 200);
    const fixtures: readonly string[] = [this.fixtures.draftOrderId, this.fixtures.gateOrderId, await this.fixtures.submittableOrderId];
    const spare = (listed.orders as { orderId: string; status: string }[]).find((o) => o.status === 'DRAFT' && !fixtures.includes(o.orderId));
    if (!spare) throw new Error("Setup: customer A has no spare draft to discard");
    await this.must(this.customer, 'DELETE', `/v1/orders/${spare.orderId}`, 200);
  }

  /** Waits until no photo of customer A's order is still uploading or being checked. */
  settled(orderId: string): Promise<void> {
    return this.until(async () => (await this.order(orderId)).photos.every((p) => !/:(UPLOADING|VALIDATING)$/.test(p)), `the photos of ${orderId} to be checked`, 120_000);
  }

  /** Polls once a second (a caller's rate limit counts every poll) until `done`, or fails naming `what`. */
  async until(done: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`Setup: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  /** The cursor of the second page (one item a page) of one of customer A's lists. */
  async cursor(path: string, items: string): Promise<string> {
    const page = await this.must(this.customer, 'GET', `${path}?limit=1`, 200);
    if (typeof page.nextCursor !== 'string') throw new Error(`Setup: ${path} has one page of ${items} only`);
    return page.nextCursor;
  }

  /** A new API key of `who`: personal, or of an organisation with `organisationId`. */
  async apiKey(who: Principal, organisationId?: string): Promise<{ keyId: string }> {
    const created = await this.must(who, 'POST', '/v1/api-keys', 201, { name: 'Matrix fixture key', ...(organisationId && { organisationId }) });
    return { keyId: (created.apiKey as { keyId: string }).keyId };
  }

  /** The live keys `who` manages (personal, or the organisation's), by ID. */
  async apiKeys(who: Principal, organisationId?: string): Promise<string[]> {
    const list = await this.must(who, 'GET', `/v1/api-keys${organisationId ? `?organisationId=${organisationId}` : ''}`, 200);
    return (list.apiKeys as { keyId: string }[]).map((k) => k.keyId).sort();
  }

  // ── reads for the `unchanged` checks ────────────────────────────────────────────────────────

  /** Customer A's view of an order: its status and photos. */
  async order(orderId: string): Promise<{ status: string; photos: string[] }> {
    const order = (await this.must(this.customer, 'GET', `/v1/orders/${orderId}`, 200)) as unknown as OrderView;
    return { status: order.status, photos: (order.photos ?? []).map((p) => `${p.photoId}:${p.status}`).sort() };
  }

  /** A wallet's balance and reservations, as the admin reads it. */
  async wallet(walletId: string): Promise<unknown> {
    const wallet = await this.must(this.as('admin'), 'GET', `/v1/wallets/${walletId}`, 200);
    return { balance: wallet.balance, reserved: wallet.reserved };
  }

  /** The members of an organisation and their roles, as its owner reads them. */
  async members(orgId = this.fixtures.orgId): Promise<string[]> {
    const org = await this.must(this.as('orgOwner'), 'GET', `/v1/organisations/${orgId}`, 200);
    return (org.members as { sub: string; role: string }[]).map((m) => `${m.sub}:${m.role}`).sort();
  }

  /** The pending invitations of an organisation (ID and expiry, which a resend changes), as its owner reads them. */
  async invitations(orgId = this.fixtures.orgId, owner: Principal | Person = this.as('orgOwner')): Promise<string[]> {
    const list = await this.must(owner, 'GET', `/v1/organisations/${orgId}/invitations`, 200);
    return (list.invitations as { invitationId: string; expiresAt: string }[]).map((i) => `${i.invitationId}:${i.expiresAt}`).sort();
  }

  /** The public studios' IDs. */
  async studioIds(): Promise<string[]> {
    const list = await this.must(this.customer, 'GET', '/v1/studios?limit=100', 200);
    return (list.studios as { studioId: string }[]).map((s) => s.studioId).sort();
  }

  /** The admin's view of a studio, without its short-lived signed links (`url`, `coverUrl`). */
  async studio(studioId = this.fixtures.studioId): Promise<unknown> {
    return JSON.parse(JSON.stringify(await this.must(this.as('admin'), 'GET', `/v1/admin/studios/${studioId}`, 200), (key, value: unknown) => (/^url$|Url$/.test(key) ? undefined : value)));
  }

  private async tokensFor(email: string): Promise<string[]> {
    const res = await fetch(`${this.endpoints.web}/outbox/messages.json?to=${encodeURIComponent(email)}`);
    const { messages } = (await res.json()) as { messages: { text?: string }[] };
    return messages.flatMap((m) => [...(m.text ?? '').matchAll(/#\/invitations\/([A-Za-z0-9_-]{43})/g)].map((match) => match[1]!));
  }

  // ── building ────────────────────────────────────────────────────────────────────────────────

  /** Signs everyone in and makes the fixtures; about half a minute, most of it the order that goes to the gate. */
  static async build(endpoints: LocalEndpoints): Promise<World> {
    const cognito = new CognitoIdentityProviderClient({
      region: endpoints.region,
      endpoint: endpoints.cognito.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const principals = await signInPrincipals(endpoints, cognito);
    const world = new World(endpoints, principals, cognito, {} as Fixtures);
    Object.assign(world.fixtures, await makeFixtures(world));
    // Each key as its person makes it in the web app: customer A's own, and the organisation's by its owner.
    const keyOf = async (id: PrincipalId, organisationId?: string) => {
      const person = world.as(KEY_ACTS_AS[id]!);
      const created = await world.must(person, 'POST', '/v1/api-keys', 201, { name: `Matrix ${id}`, ...(organisationId && { organisationId }) });
      return { ...world.as(id), token: created.key as string, sub: person.sub };
    };
    const keys = await Promise.all([keyOf('personalKey'), keyOf('organisationKey', world.fixtures.orgId)]);
    const withKeys = world.principals.map((p) => keys.find((k) => k.id === p.id) ?? p);
    return new World(endpoints, withKeys, cognito, world.fixtures);
  }
}

const PASSWORD = 'Matrix-person-2026!';

/** Signs in every principal that takes part: the demo customer, artist and admin, and new people for the rest. */
async function signInPrincipals(endpoints: LocalEndpoints, cognito: CognitoIdentityProviderClient): Promise<Principal[]> {
  const demo: Partial<Record<PrincipalId, 'customer' | 'artist' | 'admin'>> = { customer: 'customer', artist: 'artist', admin: 'admin' };
  const stamp = Date.now().toString(36);
  return Promise.all(
    PRINCIPALS.map(async (spec): Promise<Principal> => {
      const skip = (spec as { readonly skip?: string }).skip;
      const principal: Principal = { id: spec.id, label: spec.label, ...(skip && { skip }) };
      // Keys are made once the fixture organisation exists (World.build).
      if (principal.skip || spec.id === 'anonymous' || KEY_ACTS_AS[spec.id]) return principal;
      const role = demo[spec.id];
      let user;
      if (role) {
        user = demoUser(endpoints, role);
      } else {
        const email = `${spec.id.toLowerCase()}.${stamp}@example.com`;
        await createConfirmedUser(cognito, endpoints.cognito.userPoolId, email, PASSWORD);
        user = { role: 'customer' as const, email, password: PASSWORD, groups: [] };
      }
      const token = await signIn(endpoints, user);
      // The first GET /v1/me opens the personal wallet (checkout and orders need it).
      const me = await callApi(endpoints.api, 'GET', '/v1/me', { token });
      if (me.status !== 200) throw new Error(`Setup: GET /v1/me for ${spec.label} answered ${me.status}`);
      return { ...principal, token, sub: subOf(token), email: user.email };
    }),
  );
}

export interface Fixtures {
  /** Customer A's draft, with one photo still uploading. */
  readonly draftOrderId: string;
  /** Customer A's order waiting at the confirmation gate. */
  readonly gateOrderId: string;
  /** Customer A's first draft with one accepted photo, for the submission (made at once: its photo takes seconds to check). */
  readonly submittableOrderId: Promise<string>;
  /** The organisation member's order, placed on the organisation's wallet. */
  readonly memberOrderId: string;
  /** The fixture organisation (its wallet has the same ID): owner, admin and member, and one pending invitation. */
  readonly orgId: string;
  readonly pendingInvitationId: string;
  /** A studio and a style of the admin's, made for the run. */
  readonly studioId: string;
  readonly studioName: string;
  readonly styleId: string;
}

/** The style every fixture order is for (12 credits). */
const FIXTURE_STYLE = { studioId: 'north-light-studio', styleIds: ['corporate-grey'] };

async function makeFixtures(world: World): Promise<Fixtures> {
  const a = world.customer;
  const admin = world.as('admin');
  // Enough credits for A's submissions (the gate's, and one per caller the submission row allows), whatever the demo account starts with.
  await world.must(admin, 'POST', `/v1/admin/wallets/${a.sub}/adjustments`, 201, { amount: 100, reason: 'Authorisation matrix fixtures' });

  const newDraft = async (who: Principal, walletId?: string) => (await world.must(who, 'POST', '/v1/orders', 201, { ...FIXTURE_STYLE, ...(walletId && { walletId }) })).orderId as string;
  const faces = testFaces();
  const selfie = async (index: number): Promise<UploadFile> => {
    const face = (await faces)[index]!;
    return { name: `${face.name}.jpg`, bytes: face.jpeg, type: 'image/jpeg' };
  };

  const gate = (async () => {
    const orderId = await newDraft(a);
    for (let i = 0; i < 6; i++) await world.upload(orderId, await selfie(i));
    await world.settled(orderId);
    await world.must(a, 'POST', `/v1/orders/${orderId}/submit`, 202);
    await world.until(async () => (await world.order(orderId)).status === 'PENDING_EDITOR_CONFIRMATION', `order ${orderId} to wait at the gate`, 120_000);
    return orderId;
  })();
  const submittable = world.submittableOrder();
  // Keeps an unhandled rejection from ending the run before the submission row reports it.
  submittable.catch(() => undefined);

  const organisation = (async () => {
    const orgId = await world.organisation('Matrix Portraits');
    await world.join(orgId, world.as('orgAdmin'), 'admin');
    await world.join(orgId, world.as('orgMember'), 'member');
    const pending = await world.invite(orgId, `pending.${Date.now().toString(36)}@example.com`, 'member');
    const memberOrderId = await newDraft(world.as('orgMember'), orgId);
    return { orgId, pendingInvitationId: pending.invitationId, memberOrderId };
  })();

  const studio = (async () => {
    const name = `Matrix Studio ${Date.now().toString(36)}`;
    const created = await world.must(admin, 'POST', '/v1/admin/studios', 201, studioInput(name));
    const studioId = created.studioId as string;
    await world.must(admin, 'PUT', `/v1/admin/studios/${studioId}/styles/matrix-style`, 200, styleInput('Matrix style'));
    return { studioId, studioName: name, styleId: 'matrix-style' };
  })();

  // A draft for every signed-in principal, so each has an order in progress (A's holds a photo still uploading).
  const drafts = (async () => {
    const others = world.principals.filter((p) => p.token && p.id !== 'customer');
    await Promise.all(others.map((p) => newDraft(p)));
    const draftOrderId = await newDraft(a);
    await world.must(a, 'POST', `/v1/orders/${draftOrderId}/photos`, 201, { fileName: 'me.jpg', contentType: 'image/jpeg', size: 200_000 });
    return draftOrderId;
  })();

  const [gateOrderId, org, studioIds, draftOrderId] = await Promise.all([gate, organisation, studio, drafts]);
  return { draftOrderId, gateOrderId, submittableOrderId: submittable, ...org, ...studioIds };
}

/** A valid body of createStudio and updateStudio. */
export function studioInput(name: string, description = 'A studio made by the authorisation matrix test.') {
  return { name, photographer: { name: 'Matrix Photographer', bio: 'Photographs for the authorisation matrix.' }, description, tags: ['matrix'] };
}

/** A valid body of putStyle. */
export function styleInput(name: string, priceCredits = 5) {
  return {
    name,
    backdrop: 'Plain grey backdrop',
    wardrobe: 'Dark blazer',
    lighting: 'Soft key light',
    prompt: 'A professional headshot on a plain grey backdrop, soft light.',
    priceCredits,
  };
}
