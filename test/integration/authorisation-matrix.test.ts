import { ROUTES, routeKey } from '../../infra/catalogue';
import { startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { adminsOnly, everyone, reviewersOnly, expectedFor, inconsistentExpectations, matrixCase, runCase, signedIn, type MatrixCase } from '../support/authorisation/matrix';
import { KEY_ACTS_AS, PRINCIPALS, type Principal, type PrincipalId } from '../support/authorisation/principals';
import { studioInput, styleInput, World } from '../support/authorisation/world';

jest.setTimeout(300_000);

/*
 * The authorisation matrix (issue 10, item 6): every route of the route table × every
 * principal, each with the exact answer it must get, called on the local cloud.
 *
 * - 401 without a token on every protected route; 403 FORBIDDEN to a signed-in person
 *   outside the group a route requires.
 * - 404, not 403, for what belongs to another person or an organisation the caller is not
 *   in (orders, photos, wallets, organisations, members, invitations), so nobody learns it
 *   exists; 403 only where the caller knows it exists (a member lacking the organisation
 *   role, someone else's invitation link they hold).
 * - The bodies are valid wherever the refusal must come from ownership, not validation.
 *   Refused principals call first (and a cheap read proves they changed nothing), allowed
 *   ones last, each on its own fixture where a success consumes it.
 *
 * A route without a row, or a row for a route that is gone, fails the first test.
 */

const ORDER_404 = '404 ORDER_NOT_FOUND';
/** Whom a principal acts as: a key, its person; anyone else, themselves. */
const actsAs = (p: { readonly id: PrincipalId }): PrincipalId => KEY_ACTS_AS[p.id] ?? p.id;
const WALLET_404 = '404 WALLET_NOT_FOUND';
const ORG_404 = '404 ORGANISATION_NOT_FOUND';
const ORG_ADMIN_403 = '403 ORGANISATION_ADMIN_REQUIRED';
const OWNER_403 = '403 ORGANISATION_OWNER_REQUIRED';
const INVITATION_404 = '404 INVITATION_NOT_FOUND';
const MEMBER_404 = '404 MEMBER_NOT_FOUND';
const CURSOR_400 = '400 INVALID_CURSOR';
const SOMEONE_ELSES_LINK_403 = '403 INVITATION_FOR_SOMEONE_ELSE';
const ORDER_STYLE = { studioId: 'north-light-studio', styleIds: ['corporate-grey'] };
const NEW_PHOTO = { fileName: 'selfie.jpg', contentType: 'image/jpeg', size: 200_000 };

let cloud: RunningCloud;
let world: World;
const fx = () => world.fixtures;
/** A case's fixture that is `prepared` the first time it is asked for (made ahead, during the world's set-up) and `fresh` each time after. */
const firstThenFresh = <F>(prepared: () => Promise<F>, fresh: () => Promise<F>): (() => Promise<F>) => {
  let asked = false;
  return () => (asked ? fresh() : ((asked = true), prepared()));
};
const A = () => world.customer;
/** An address for a new invitation, per caller, so two allowed callers do not collide. */
const inviteeOf = (p: Principal) => `invited-by-${p.id.toLowerCase()}.${Date.now().toString(36)}@example.com`;

/** The matrix: for each route key of the route table, one or more cases. */
const MATRIX: Record<string, MatrixCase<unknown>[]> = {
  // ── studios ──────────────────────────────────────────────────────────────────────────────────
  'GET /v1/studios': [matrixCase({ request: () => ({}), expect: everyone(200) })],
  'GET /v1/studios/{studioId}': [matrixCase({ request: () => ({ params: { studioId: 'north-light-studio' } }), expect: everyone(200) })],
  'GET /v1/admin/studios/{studioId}': [matrixCase({ request: () => ({ params: { studioId: fx().studioId } }), expect: adminsOnly(200) })],
  'POST /v1/admin/studios': [
    matrixCase({
      fixture: async () => studioInput(`Matrix Created ${Date.now().toString(36)}`),
      request: (body) => ({ body }),
      expect: adminsOnly(201),
      unchanged: () => world.studioIds(),
    }),
  ],
  'PUT /v1/admin/studios/{studioId}': [
    matrixCase({
      request: () => ({ params: { studioId: fx().studioId }, body: studioInput(fx().studioName, 'Described again by the authorisation matrix.') }),
      expect: adminsOnly(200),
      unchanged: () => world.studio(),
    }),
  ],
  'PUT /v1/admin/studios/{studioId}/styles/{styleId}': [
    matrixCase({
      request: () => ({ params: { studioId: fx().studioId, styleId: fx().styleId }, body: styleInput('Matrix style, repriced', 7) }),
      expect: adminsOnly(200),
      unchanged: () => world.studio(),
    }),
  ],
  'POST /v1/admin/studios/{studioId}/styles/{styleId}/images': [
    matrixCase({
      request: () => ({ params: { studioId: fx().studioId, styleId: fx().styleId }, body: { kind: 'sample', contentType: 'image/jpeg', size: 50_000 } }),
      expect: adminsOnly(201),
      unchanged: () => world.studio(),
    }),
  ],
  'POST /v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}/complete': [
    matrixCase({
      name: 'an uploaded image',
      fixture: () => world.styleImage(false),
      request: (image) => ({ params: { ...image } }),
      expect: adminsOnly(200),
      unchanged: () => world.studio(),
    }),
  ],
  'DELETE /v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}': [
    matrixCase({
      name: 'an image of the style',
      fixture: () => world.styleImage(true),
      request: (image) => ({ params: { ...image } }),
      expect: adminsOnly(200),
      unchanged: () => world.studio(),
    }),
  ],

  // ── orders ───────────────────────────────────────────────────────────────────────────────────
  // Customer A holds 3 open orders after the setup (a draft, one at the gate, one to submit) and this row
  // makes 2 more: MAX_OPEN_ORDERS (5). Another fixture order of A's would make this row answer 409.
  'POST /v1/orders': [
    matrixCase({ name: 'paid from the personal wallet', request: () => ({ body: ORDER_STYLE }), expect: signedIn({ others: 201 }) }),
    matrixCase({
      name: "paid from the organisation's wallet",
      request: () => ({ body: { ...ORDER_STYLE, walletId: fx().orgId } }),
      expect: signedIn({ orgOwner: 201, orgAdmin: 201, orgMember: 201, others: WALLET_404 }),
    }),
    matrixCase({
      name: "paid from customer A's wallet",
      request: () => ({ body: { ...ORDER_STYLE, walletId: A().sub } }),
      // Admins spend only their own wallet, as everyone does. Customer A (and A's own key) may use it, but the
      // first case filled A's orders in progress (3 fixtures, then one each as A and as A's key): the wallet is
      // accepted and the limit answers, which shows the wallet check let A through.
      expect: signedIn({ customer: '409 TOO_MANY_OPEN_ORDERS', others: WALLET_404 }),
    }),
  ],
  'GET /v1/orders': [
    matrixCase({
      name: 'the first page',
      request: () => ({}),
      expect: signedIn({ others: 200 }),
      check: (answer, _, p) => {
        const ids = (answer.body.orders as { orderId: string }[]).map((o) => o.orderId);
        const mine = actsAs(p) === 'customer';
        if (mine && !ids.includes(fx().draftOrderId)) return "customer A's list lacks A's draft";
        if (!mine && (ids.includes(fx().draftOrderId) || ids.includes(fx().gateOrderId))) return "the list shows customer A's orders";
        return undefined;
      },
    }),
    matrixCase({
      name: "the next page, with customer A's cursor",
      // A cursor continues only the list it came from: it never opens another person's.
      fixture: () => world.cursor('/v1/orders', 'orders'),
      request: (cursor) => ({ query: { limit: '1', cursor } }),
      expect: signedIn({ customer: 200, others: CURSOR_400 }),
    }),
  ],
  'GET /v1/orders/{orderId}': [
    matrixCase({ name: "customer A's draft", request: () => ({ params: { orderId: fx().draftOrderId } }), expect: signedIn({ customer: 200, admin: 200, others: ORDER_404 }) }),
    matrixCase({
      name: "the member's order on the organisation's wallet",
      // Orders are personal: paying from the organisation's wallet shows the order to nobody else in it.
      request: () => ({ params: { orderId: fx().memberOrderId } }),
      expect: signedIn({ orgMember: 200, admin: 200, others: ORDER_404 }),
    }),
  ],

  'DELETE /v1/orders/{orderId}': [
    matrixCase({
      // Customer B's own draft: customer A is at the limit of orders in progress by now, and B's other draft must stay (DELETE /v1/me).
      name: "customer B's new draft",
      fixture: () => world.draft(world.as('otherCustomer')),
      request: (orderId) => ({ params: { orderId } }),
      expect: signedIn({ otherCustomer: 200, others: ORDER_404 }),
    }),
    matrixCase({
      name: "customer A's order at the gate",
      request: () => ({ params: { orderId: fx().gateOrderId } }),
      expect: signedIn({ customer: '409 ORDER_NOT_EDITABLE', others: ORDER_404 }),
    }),
  ],

  // ── photos ───────────────────────────────────────────────────────────────────────────────────
  'POST /v1/orders/{orderId}/photos': [
    matrixCase({
      name: "customer A's draft",
      request: () => ({ params: { orderId: fx().draftOrderId }, body: NEW_PHOTO }),
      expect: signedIn({ customer: 201, others: ORDER_404 }),
      unchanged: () => world.order(fx().draftOrderId),
    }),
  ],
  'DELETE /v1/orders/{orderId}/photos/{photoId}': [
    matrixCase({
      name: "a photo of customer A's draft",
      fixture: () => world.photo(),
      fresh: true,
      request: (photo) => ({ params: { ...photo } }),
      expect: signedIn({ customer: 200, others: ORDER_404 }),
      unchanged: (photo) => world.order(photo.orderId),
    }),
  ],
  'POST /v1/orders/{orderId}/submit': [
    matrixCase({
      name: "customer A's draft with a photo",
      // Each caller allowed to submit (customer A, and A's personal key) needs a draft of its own; A has as many
      // orders in progress as allowed by then, so one of the drafts the rows of POST /v1/orders made goes first.
      fixture: firstThenFresh<string>(() => fx().submittableOrderId, async () => (await world.discardSpareDraft(), world.submittableOrder())),
      fresh: true,
      request: (orderId) => ({ params: { orderId } }),
      expect: signedIn({ customer: 202, others: ORDER_404 }),
      unchanged: async (orderId) => [await world.order(orderId), await world.wallet(A().sub!)],
    }),
    matrixCase({
      name: "customer A's order at the gate",
      request: () => ({ params: { orderId: fx().gateOrderId } }),
      expect: signedIn({ customer: '409 ORDER_NOT_EDITABLE', others: ORDER_404 }),
    }),
  ],

  // ── admin ────────────────────────────────────────────────────────────────────────────────────
  'GET /v1/admin/orders': [matrixCase({ request: () => ({}), expect: adminsOnly(200) })],
  'POST /v1/admin/orders/{orderId}/decision': [
    matrixCase({
      name: "customer A's order at the gate",
      request: () => ({ params: { orderId: fx().gateOrderId }, body: { decision: 'reject', reason: 'Rejected by the authorisation matrix test.' } }),
      expect: adminsOnly(202),
      unchanged: () => world.order(fx().gateOrderId),
    }),
  ],

  // ── wallets ──────────────────────────────────────────────────────────────────────────────────
  'GET /v1/wallets/{walletId}': [
    matrixCase({ name: "customer A's wallet", request: () => ({ params: { walletId: A().sub! } }), expect: signedIn({ customer: 200, admin: 200, others: WALLET_404 }) }),
    matrixCase({
      name: "the organisation's wallet",
      request: () => ({ params: { walletId: fx().orgId } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: 200, admin: 200, others: WALLET_404 }),
    }),
  ],
  'GET /v1/wallets/{walletId}/entries': [
    matrixCase({ name: "customer A's wallet", request: () => ({ params: { walletId: A().sub! } }), expect: signedIn({ customer: 200, admin: 200, others: WALLET_404 }) }),
    matrixCase({
      name: "each caller's own wallet, with a cursor of customer A's history",
      fixture: () => world.cursor(`/v1/wallets/${A().sub!}/entries`, 'entries'),
      request: (cursor, p) => ({ params: { walletId: p.sub ?? A().sub! }, query: { limit: '1', cursor } }),
      expect: signedIn({ customer: 200, others: CURSOR_400 }),
    }),
    matrixCase({
      name: "the organisation's wallet",
      // The history shows what each member spent: for owners and admins; a member gets 404 like a stranger.
      request: () => ({ params: { walletId: fx().orgId } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: 200, admin: 200, others: WALLET_404 }),
    }),
  ],
  'POST /v1/admin/wallets/{walletId}/adjustments': [
    matrixCase({
      name: "customer A's wallet",
      request: () => ({ params: { walletId: A().sub! }, body: { amount: 1, reason: 'Authorisation matrix adjustment' } }),
      expect: adminsOnly(201),
      unchanged: () => world.wallet(A().sub!),
    }),
  ],

  // ── billing ──────────────────────────────────────────────────────────────────────────────────
  'GET /v1/billing/packages': [matrixCase({ request: () => ({}), expect: everyone(200) })],
  'POST /v1/billing/checkout': [
    matrixCase({ name: 'for the personal wallet', request: () => ({ body: { packageId: 'starter' }, headers: webOrigin() }), expect: signedIn({ others: 201 }) }),
    matrixCase({
      name: "for customer A's wallet",
      request: () => ({ body: { packageId: 'starter', walletId: A().sub }, headers: webOrigin() }),
      // An admin may buy for any wallet (functions/wallets/access.ts; its unit test says so).
      expect: signedIn({ customer: 201, admin: 201, others: WALLET_404 }),
    }),
    matrixCase({
      name: "for the organisation's wallet",
      request: () => ({ body: { packageId: 'starter', walletId: fx().orgId }, headers: webOrigin() }),
      expect: signedIn({ orgOwner: 201, orgAdmin: 201, admin: 201, others: WALLET_404 }),
    }),
  ],
  'POST /v1/webhooks/stripe': [
    matrixCase({
      name: 'an unsigned event',
      // Its caller is Stripe, proven by the signature alone: a token changes nothing.
      request: () => ({ body: { id: 'evt_matrix', object: 'event', type: 'checkout.session.completed', data: { object: {} } } }),
      expect: everyone('400 INVALID_SIGNATURE'),
    }),
  ],

  // ── generation ───────────────────────────────────────────────────────────────────────────────
  'POST /v1/webhooks/fal': [
    matrixCase({
      name: 'an unsigned delivery',
      // Its caller is fal, proven by the signature alone: a token changes nothing.
      request: () => ({ body: { request_id: 'req-matrix', status: 'OK', payload: {} } }),
      expect: everyone('400 INVALID_SIGNATURE'),
    }),
  ],
  'GET /v1/admin/generation/identity-lock': [matrixCase({ request: () => ({}), expect: adminsOnly(200) })],
  'PUT /v1/admin/generation/identity-lock': [
    // The default, set again: the other test files' orders are judged as before.
    matrixCase({ request: () => ({ body: { threshold: 0.65 } }), expect: adminsOnly(200) }),
  ],

  // ── review ───────────────────────────────────────────────────────────────────────────────────
  // Admins review any order, an artist the orders assigned to them: an order not at the gate is
  // found by admins (its images, none yet) and by no artist.
  'GET /v1/admin/orders/{orderId}/images': [
    matrixCase({
      name: "customer A's order at the gate (no images yet)",
      request: () => ({ params: { orderId: fx().gateOrderId } }),
      expect: reviewersOnly(200, '404 ORDER_NOT_FOUND'),
    }),
  ],
  'GET /v1/admin/reviews': [matrixCase({ request: () => ({}), expect: reviewersOnly(200, 200) })],
  'PUT /v1/admin/orders/{orderId}/assignment': [
    matrixCase({
      name: "customer A's order at the gate (not in review)",
      request: () => ({ params: { orderId: fx().gateOrderId }, body: { artistId: 'me' } }),
      expect: reviewersOnly('404 ORDER_NOT_FOUND', '404 ORDER_NOT_FOUND'),
    }),
  ],
  'POST /v1/admin/images/{imageId}/review': [
    matrixCase({
      name: "an image of customer A's order at the gate (none yet)",
      request: () => ({ params: { imageId: `${fx().gateOrderId}.corporate-grey-front-0` }, body: { decision: 'approve' } }),
      expect: reviewersOnly('404 IMAGE_NOT_FOUND', '404 IMAGE_NOT_FOUND'),
    }),
  ],
  'POST /v1/admin/orders/{orderId}/deliver': [
    matrixCase({
      name: "customer A's order at the gate (not in review)",
      request: () => ({ params: { orderId: fx().gateOrderId } }),
      expect: reviewersOnly('404 ORDER_NOT_FOUND', '404 ORDER_NOT_FOUND'),
      unchanged: () => world.order(fx().gateOrderId),
    }),
  ],

  // ── delivery ─────────────────────────────────────────────────────────────────────────────────
  'GET /v1/orders/{orderId}/gallery': [
    matrixCase({
      name: "customer A's order at the gate (not delivered)",
      request: () => ({ params: { orderId: fx().gateOrderId } }),
      expect: signedIn({ customer: '409 ORDER_NOT_DELIVERED', admin: '409 ORDER_NOT_DELIVERED', others: ORDER_404 }),
    }),
  ],
  'GET /v1/orders/{orderId}/download': [
    matrixCase({
      name: "customer A's order at the gate (not delivered)",
      request: () => ({ params: { orderId: fx().gateOrderId } }),
      expect: signedIn({ customer: '409 ORDER_NOT_DELIVERED', admin: '409 ORDER_NOT_DELIVERED', others: ORDER_404 }),
    }),
  ],

  // ── organisations ────────────────────────────────────────────────────────────────────────────
  'POST /v1/organisations': [matrixCase({ request: (_, p) => ({ body: { name: `Team of ${p.label}` } }), expect: signedIn({ others: 201 }) })],
  'GET /v1/organisations': [
    matrixCase({
      request: () => ({}),
      expect: signedIn({ others: 200 }),
      check: (answer, _, p) => {
        const listed = (answer.body.organisations as { orgId: string }[]).some((o) => o.orgId === fx().orgId);
        const member = ['orgOwner', 'orgAdmin', 'orgMember'].includes(actsAs(p));
        return listed === member ? undefined : member ? 'the list lacks the organisation' : "the list shows an organisation the caller is not in";
      },
    }),
  ],
  'GET /v1/organisations/{orgId}': [
    matrixCase({ request: () => ({ params: { orgId: fx().orgId } }), expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: 200, others: ORG_404 }) }),
  ],
  'POST /v1/organisations/{orgId}/invitations': [
    matrixCase({
      name: 'a member',
      request: (_, p) => ({ params: { orgId: fx().orgId }, body: { email: inviteeOf(p), role: 'member' } }),
      expect: signedIn({ orgOwner: 201, orgAdmin: 201, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.invitations(),
    }),
    matrixCase({
      name: 'an owner',
      request: (_, p) => ({ params: { orgId: fx().orgId }, body: { email: inviteeOf(p), role: 'owner' } }),
      expect: signedIn({ orgOwner: 201, orgAdmin: OWNER_403, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.invitations(),
    }),
  ],
  'GET /v1/organisations/{orgId}/invitations': [
    matrixCase({ request: () => ({ params: { orgId: fx().orgId } }), expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: ORG_ADMIN_403, others: ORG_404 }) }),
  ],
  'DELETE /v1/organisations/{orgId}/invitations/{invitationId}': [
    matrixCase({
      name: "a member's invitation",
      fixture: () => world.pendingInvitation(),
      fresh: true,
      request: (invitation) => ({ params: { orgId: invitation.orgId, invitationId: invitation.invitationId } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.invitations(),
    }),
    matrixCase({
      name: "an owner's invitation",
      fixture: () => world.pendingInvitation('owner'),
      fresh: true,
      request: (invitation) => ({ params: { orgId: invitation.orgId, invitationId: invitation.invitationId } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: OWNER_403, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.invitations(),
    }),
    matrixCase({
      name: "another organisation's invitation, under the fixture organisation's path",
      // Customer B's organisation and invitation: the IDs do not mix, whatever role the caller has in the path's organisation.
      fixture: async () => {
        const b = world.as('otherCustomer');
        const invitation = await world.pendingInvitation('member', await world.organisation("Customer B's team", b), b);
        return { ...invitation, owner: b };
      },
      request: (invitation) => ({ params: { orgId: fx().orgId, invitationId: invitation.invitationId } }),
      expect: signedIn({ orgOwner: INVITATION_404, orgAdmin: INVITATION_404, orgMember: INVITATION_404, others: ORG_404 }),
      unchanged: (invitation) => world.invitations(invitation.orgId, invitation.owner),
    }),
  ],
  'POST /v1/organisations/{orgId}/invitations/{invitationId}/resend': [
    matrixCase({
      name: "a member's invitation",
      request: () => ({ params: { orgId: fx().orgId, invitationId: fx().pendingInvitationId } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.invitations(),
    }),
    matrixCase({
      name: "an owner's invitation",
      fixture: () => world.pendingInvitation('owner'),
      fresh: true,
      request: (invitation) => ({ params: { orgId: invitation.orgId, invitationId: invitation.invitationId } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: OWNER_403, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.invitations(),
    }),
  ],
  'POST /v1/invitations/preview': [
    matrixCase({
      name: "a link to customer B's invitation",
      // The link is the key: whoever holds it sees what it offers, and whether it is theirs.
      fixture: async () => world.invite(await world.organisation('Matrix Preview'), world.as('otherCustomer').email!, 'member'),
      request: (invitation) => ({ body: { token: invitation.token } }),
      expect: signedIn({ others: 200 }),
      check: (answer, _, p) => (answer.body.forYou === (p.id === 'otherCustomer') ? undefined : `forYou is ${String(answer.body.forYou)}`),
    }),
  ],
  'POST /v1/invitations/accept': [
    matrixCase({
      name: "a link to customer B's invitation",
      fixture: async () => world.invite(await world.organisation('Matrix Accept'), world.as('otherCustomer').email!, 'member'),
      request: (invitation) => ({ body: { token: invitation.token } }),
      expect: signedIn({ otherCustomer: 200, others: SOMEONE_ELSES_LINK_403 }),
      unchanged: (invitation) => world.members(invitation.orgId),
    }),
  ],
  'POST /v1/invitations/decline': [
    matrixCase({
      name: "a link to customer B's invitation",
      fixture: async () => world.invite(await world.organisation('Matrix Decline'), world.as('otherCustomer').email!, 'member'),
      request: (invitation) => ({ body: { token: invitation.token } }),
      expect: signedIn({ otherCustomer: 200, others: SOMEONE_ELSES_LINK_403 }),
      unchanged: (invitation) => world.invitations(invitation.orgId),
    }),
  ],
  'PUT /v1/organisations/{orgId}/members/{memberSub}': [
    matrixCase({
      name: 'a member made an admin',
      fixture: () => world.member(),
      fresh: true,
      request: (member) => ({ params: { orgId: fx().orgId, memberSub: member.sub }, body: { role: 'admin' } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.members(),
    }),
    matrixCase({
      name: 'a member made an owner',
      fixture: () => world.member(),
      request: (member) => ({ params: { orgId: fx().orgId, memberSub: member.sub }, body: { role: 'owner' } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: OWNER_403, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.members(),
    }),
    matrixCase({
      name: 'another owner made an admin',
      fixture: () => world.member('owner'),
      request: (owner) => ({ params: { orgId: fx().orgId, memberSub: owner.sub }, body: { role: 'admin' } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: OWNER_403, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.members(),
    }),
    matrixCase({
      name: 'someone outside the organisation',
      request: () => ({ params: { orgId: fx().orgId, memberSub: world.as('otherCustomer').sub! }, body: { role: 'admin' } }),
      expect: signedIn({ orgOwner: MEMBER_404, orgAdmin: MEMBER_404, orgMember: MEMBER_404, others: ORG_404 }),
    }),
  ],
  'DELETE /v1/organisations/{orgId}/members/{memberSub}': [
    matrixCase({
      name: 'a member',
      fixture: () => world.member(),
      fresh: true,
      request: (member) => ({ params: { orgId: fx().orgId, memberSub: member.sub } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: 200, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.members(),
    }),
    matrixCase({
      name: 'another owner',
      fixture: () => world.member('owner'),
      fresh: true,
      request: (owner) => ({ params: { orgId: fx().orgId, memberSub: owner.sub } }),
      expect: signedIn({ orgOwner: 200, orgAdmin: OWNER_403, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.members(),
    }),
  ],
  'POST /v1/organisations/{orgId}/leave': [
    matrixCase({
      name: 'an organisation with the same owner, admin and member',
      fixture: async () => {
        const orgId = await world.organisation('Matrix Leave');
        await world.join(orgId, world.as('orgAdmin'), 'admin');
        await world.join(orgId, world.as('orgMember'), 'member');
        return orgId;
      },
      request: (orgId) => ({ params: { orgId } }),
      expect: signedIn({ orgOwner: '409 LAST_OWNER', orgAdmin: 200, orgMember: 200, others: ORG_404 }),
      unchanged: (orgId) => world.members(orgId),
    }),
  ],

  // ── API keys ─────────────────────────────────────────────────────────────────────────────────
  'POST /v1/api-keys': [
    matrixCase({ name: 'a personal key', request: () => ({ body: { name: 'Matrix key' } }), expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', others: 201 }) }),
    matrixCase({
      name: "a key of the organisation",
      request: () => ({ body: { name: 'Matrix team key', organisationId: fx().orgId } }),
      expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', orgOwner: 201, orgAdmin: 201, orgMember: ORG_ADMIN_403, others: ORG_404 }),
      unchanged: () => world.apiKeys(world.as('orgOwner'), fx().orgId),
    }),
  ],
  'GET /v1/api-keys': [
    matrixCase({ name: 'personal keys', request: () => ({}), expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', others: 200 }) }),
    matrixCase({
      name: "the organisation's keys",
      request: () => ({ query: { organisationId: fx().orgId } }),
      expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', orgOwner: 200, orgAdmin: 200, orgMember: ORG_ADMIN_403, others: ORG_404 }),
    }),
  ],
  'DELETE /v1/api-keys/{keyId}': [
    matrixCase({
      name: "customer A's personal key",
      fixture: () => world.apiKey(A()),
      request: (key) => ({ params: { keyId: key.keyId } }),
      expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', customer: 200, others: '404 API_KEY_NOT_FOUND' }),
      unchanged: () => world.apiKeys(A()),
    }),
    matrixCase({
      name: "the organisation's key",
      fixture: () => world.apiKey(world.as('orgOwner'), fx().orgId),
      fresh: true,
      request: (key) => ({ params: { keyId: key.keyId } }),
      expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', orgOwner: 200, orgAdmin: 200, others: '404 API_KEY_NOT_FOUND' }),
      unchanged: () => world.apiKeys(world.as('orgOwner'), fx().orgId),
    }),
  ],

  // ── accounts ─────────────────────────────────────────────────────────────────────────────────
  'GET /v1/me': [
    matrixCase({
      request: () => ({}),
      expect: signedIn({ others: 200 }),
      check: (answer, _, p) => {
        if (answer.body.sub !== p.sub) return `sub is ${String(answer.body.sub)}`;
        const wallets = (answer.body.wallets as { walletId: string }[]).map((w) => w.walletId);
        if (actsAs(p) !== 'customer' && wallets.includes(A().sub!)) return "the wallets include customer A's";
        return undefined;
      },
    }),
  ],
  'DELETE /v1/me': [
    matrixCase({
      name: 'callers with a draft',
      // Everyone has a draft (the fixtures made one each), so nobody is deleted: the route only ever reads the caller.
      request: () => ({}),
      expect: signedIn({ keys: '403 API_KEY_NOT_ALLOWED', others: '409 ORDERS_IN_PROGRESS' }),
    }),
  ],

  // ── platform ─────────────────────────────────────────────────────────────────────────────────
  'GET /v1/health': [matrixCase({ request: () => ({}), expect: everyone(200) })],
  'GET /v1/openapi.json': [matrixCase({ request: () => ({}), expect: everyone(200) })],
};

/** The web app's Origin, which a checkout needs to send the buyer back to. */
const webOrigin = () => ({ origin: world.endpoints.web });

describe('the authorisation matrix', () => {
  it('has a row for every route of the route table, and none for a route it lacks', () => {
    const routeKeys = ROUTES.map((r) => routeKey(r));
    expect(routeKeys.filter((key) => !(key in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !routeKeys.includes(key))).toEqual([]);
  });

  it('expects an answer of every principal that takes part, with each code at its own status', () => {
    const problems = Object.entries(MATRIX).flatMap(([key, cases]) =>
      cases.flatMap((c) => [
        ...PRINCIPALS.filter((p) => !('skip' in p) && expectedFor(c.expect, p.id) === undefined).map((p) => `${key}${c.name ? ` [${c.name}]` : ''}: nothing expected of ${p.label}`),
        ...inconsistentExpectations(c.expect).map((problem) => `${key}: ${problem}`),
      ]),
    );
    expect(problems).toEqual([]);
  });

  describe('on the local cloud', () => {
    beforeAll(async () => {
      cloud = await startLocalCloud();
      world = await World.build(cloud.endpoints);
    });

    afterAll(async () => {
      await cloud?.stop();
    });

    it.each(ROUTES.map((r) => [routeKey(r), r] as const))('%s answers each principal as the matrix says', async (key, route) => {
      const cases = MATRIX[key];
      const mismatches: string[] = cases ? [] : [`${key}: no row in the matrix`];
      for (const spec of cases ?? []) mismatches.push(...(await runCase({ api: cloud.endpoints.api, principals: world.principals }, route.contract, spec)));
      expect(mismatches).toEqual([]);
    });

    // The principals left out, in the report; see PRINCIPALS in test/support/authorisation/principals.ts.
    for (const p of PRINCIPALS) if ('skip' in p) it.todo(`every route as ${p.label} (${p.skip})`);
  });
});
