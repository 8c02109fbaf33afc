import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { assignReviewerHandler } from '#functions/review/assign-reviewer.handler';
import { deliverOrderHandler } from '#functions/review/deliver-order.handler';
import { listReviewsHandler } from '#functions/review/list-reviews.handler';
import { reviewImageHandler } from '#functions/review/review-image.handler';
import { ADMIN_SUB, adminClaims, type Claims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeReviewStore } from '../../helpers/fake-review-store';
import { ORDER_ID, OTHER_ORDER_ID } from '../../helpers/orders';

const ARTIST_SUB = '44444444-4444-4444-8444-444444444444';
const OTHER_ARTIST_SUB = '55555555-5555-4555-8555-555555555555';
const artistClaims: Claims = { sub: ARTIST_SUB, email: 'artist@example.com', 'cognito:groups': '[artists]', token_use: 'id' };
const otherArtistClaims: Claims = { sub: OTHER_ARTIST_SUB, 'cognito:groups': '[artists]', token_use: 'id' };

const reviewEvent = (imageId: string, body: unknown, claims: Claims = adminClaims) =>
  makeEvent({ routeKey: 'POST /v1/admin/images/{imageId}/review', pathParameters: { imageId }, claims, body });
const deliverEvent = (claims: Claims = adminClaims, orderId = ORDER_ID) =>
  makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/deliver', pathParameters: { orderId }, claims });
const assignEvent = (artistId: string, claims: Claims = adminClaims, orderId = ORDER_ID) =>
  makeEvent({ routeKey: 'PUT /v1/admin/orders/{orderId}/assignment', pathParameters: { orderId }, claims, body: { artistId } });

/** An order at the gate with two kept images and one the lock set aside. */
const gate = () => new FakeReviewStore().seed({ orderId: ORDER_ID, toDecide: 2, taskToken: 'the-token' }, { 'grey-front-0': 'KEPT', 'grey-front-1': 'KEPT', 'grey-front-2': 'REJECTED' });

describe('Function: ReviewImage', () => {
  it('records an approval and answers the new counts', async () => {
    const reviews = gate();
    const res = await invoke(reviewImageHandler({ reviews }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'approve' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ reviewImageId: `${ORDER_ID}.grey-front-0`, review: { decision: 'approve', by: ADMIN_SUB }, summary: { approved: 1, rejected: 0, toDecide: 2 } });
  });

  it('needs a reason to reject, in words', async () => {
    const res = await invoke(reviewImageHandler({ reviews: gate() }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'reject' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const short = await invoke(reviewImageHandler({ reviews: gate() }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'reject', reason: 'x' }));
    expect(short.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('reason') });
  });

  it('refuses an image ID that is not <orderId>.<image>, and a decision it does not know', async () => {
    expect((await invoke(reviewImageHandler({ reviews: gate() }), reviewEvent('grey-front-0', { decision: 'approve' }))).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await invoke(reviewImageHandler({ reviews: gate() }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'replace' }))).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('answers 409 IMAGE_SET_ASIDE for an image the identity lock rejected', async () => {
    const res = await invoke(reviewImageHandler({ reviews: gate() }), reviewEvent(`${ORDER_ID}.grey-front-2`, { decision: 'approve' }));
    expect(res).toMatchObject({ statusCode: 409, body: { code: 'IMAGE_SET_ASIDE' } });
  });

  it('lets an artist decide on their own orders only: another order answers 404', async () => {
    const reviews = gate();
    await reviews.assign(ORDER_ID, { sub: ARTIST_SUB }, ADMIN_SUB, false);
    expect((await invoke(reviewImageHandler({ reviews }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'approve' }, artistClaims))).statusCode).toBe(200);
    const other = await invoke(reviewImageHandler({ reviews }), reviewEvent(`${ORDER_ID}.grey-front-1`, { decision: 'approve' }, otherArtistClaims));
    expect(other).toMatchObject({ statusCode: 404, body: { code: 'IMAGE_NOT_FOUND' } });
  });

  it('is for reviewers only: a customer gets 403', async () => {
    const res = await invoke(reviewImageHandler({ reviews: gate() }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'approve' }, customerClaims));
    expect(res).toMatchObject({ statusCode: 403, body: { code: 'FORBIDDEN' } });
  });

  it('answers 409 ORDER_NOT_IN_REVIEW once the order is delivered', async () => {
    const reviews = gate();
    reviews.records.set(ORDER_ID, { ...reviews.records.get(ORDER_ID)!, status: 'DELIVERED' });
    const res = await invoke(reviewImageHandler({ reviews }), reviewEvent(`${ORDER_ID}.grey-front-0`, { decision: 'approve' }));
    expect(res).toMatchObject({ statusCode: 409, body: { code: 'ORDER_NOT_IN_REVIEW' } });
  });
});

describe('Function: DeliverOrder', () => {
  const sfnMock = mockClient(SFNClient);
  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).resolves({});
  });
  const decided = async (approve: number, reject: number) => {
    const reviews = gate();
    const ids = ['grey-front-0', 'grey-front-1'];
    for (const id of ids.slice(0, approve)) await reviews.decide(ORDER_ID, id, { decision: 'approve' }, ADMIN_SUB);
    for (const id of ids.slice(approve, approve + reject)) await reviews.decide(ORDER_ID, id, { decision: 'reject', reason: 'Not sharp' }, ADMIN_SUB);
    return reviews;
  };

  it('resumes the pipeline with the token once every kept image is decided, and answers 409 the second time', async () => {
    const reviews = await decided(1, 1);
    const handler = deliverOrderHandler({ reviews, sfn: new SFNClient({}) });
    const res = await invoke(handler, deliverEvent());
    expect(res).toMatchObject({ statusCode: 202, body: { orderId: ORDER_ID, approved: 1, rejected: 1 } });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'the-token' });
    const again = await invoke(handler, deliverEvent());
    expect(again).toMatchObject({ statusCode: 409, body: { code: 'ORDER_NOT_IN_REVIEW' } });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('answers 409 REVIEW_INCOMPLETE while an image has no decision, saying how many', async () => {
    const res = await invoke(deliverOrderHandler({ reviews: await decided(1, 0), sfn: new SFNClient({}) }), deliverEvent());
    expect(res).toMatchObject({ statusCode: 409, body: { code: 'REVIEW_INCOMPLETE', message: expect.stringContaining('1 of 2') } });
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
  });

  it('answers 409 NOTHING_APPROVED when every image was rejected', async () => {
    const res = await invoke(deliverOrderHandler({ reviews: await decided(0, 2), sfn: new SFNClient({}) }), deliverEvent());
    expect(res).toMatchObject({ statusCode: 409, body: { code: 'NOTHING_APPROVED' } });
  });

  it('gives the token back and answers 503 when Step Functions fails for a moment', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(new Error('throttled'));
    const reviews = await decided(2, 0);
    const res = await invoke(deliverOrderHandler({ reviews, sfn: new SFNClient({}) }), deliverEvent());
    expect(res).toMatchObject({ statusCode: 503, body: { code: 'DELIVERY_NOT_RECORDED' } });
    expect(await reviews.get(ORDER_ID)).toMatchObject({ status: 'WAITING', taskToken: 'the-token' });
  });

  it('answers 409 when the wait timed out meanwhile', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    const res = await invoke(deliverOrderHandler({ reviews: await decided(2, 0), sfn: new SFNClient({}) }), deliverEvent());
    expect(res).toMatchObject({ statusCode: 409, body: { code: 'ORDER_NOT_IN_REVIEW' } });
  });

  it('lets an artist deliver their own order; another artist gets 404 and the token stays', async () => {
    const reviews = await decided(2, 0);
    await reviews.assign(ORDER_ID, { sub: ARTIST_SUB }, ADMIN_SUB, false);
    const handler = deliverOrderHandler({ reviews, sfn: new SFNClient({}) });
    expect(await invoke(handler, deliverEvent(otherArtistClaims))).toMatchObject({ statusCode: 404, body: { code: 'ORDER_NOT_FOUND' } });
    expect(await invoke(handler, deliverEvent(artistClaims))).toMatchObject({ statusCode: 202 });
  });

  it('answers 404 for an order with no review', async () => {
    const res = await invoke(deliverOrderHandler({ reviews: gate(), sfn: new SFNClient({}) }), deliverEvent(adminClaims, OTHER_ORDER_ID));
    expect(res).toMatchObject({ statusCode: 404, body: { code: 'ORDER_NOT_FOUND' } });
  });
});

describe('Function: AssignReviewer', () => {
  const directory = (groups: Record<string, string[]>) => ({
    profile: async (sub: string) => (groups[sub] ? { email: `${sub.slice(0, 4)}@example.com` } : undefined),
    groups: async (sub: string) => groups[sub],
  });

  it('lets an admin assign a member of the artists group, with their e-mail', async () => {
    const reviews = gate();
    const res = await invoke(assignReviewerHandler({ reviews, directory: directory({ [ARTIST_SUB]: ['artists'] }) }), assignEvent(ARTIST_SUB));
    expect(res).toMatchObject({ statusCode: 200, body: { orderId: ORDER_ID, assignedTo: ARTIST_SUB, assignedEmail: '4444@example.com' } });
  });

  it('refuses someone who is not an artist, and a person who does not exist', async () => {
    const handler = assignReviewerHandler({ reviews: gate(), directory: directory({ [OTHER_ARTIST_SUB]: ['admins'] }) });
    expect(await invoke(handler, assignEvent(OTHER_ARTIST_SUB))).toMatchObject({ statusCode: 409, body: { code: 'NOT_AN_ARTIST' } });
    expect(await invoke(handler, assignEvent(ARTIST_SUB))).toMatchObject({ statusCode: 409, body: { code: 'NOT_AN_ARTIST' } });
  });

  it('lets an artist take a free order for themselves, but not assign someone else or take a taken one', async () => {
    const reviews = gate();
    const handler = assignReviewerHandler({ reviews, directory: directory({ [ARTIST_SUB]: ['artists'], [OTHER_ARTIST_SUB]: ['artists'] }) });
    expect(await invoke(handler, assignEvent(OTHER_ARTIST_SUB, artistClaims))).toMatchObject({ statusCode: 409, body: { code: 'NOT_AN_ARTIST' } });
    expect(await invoke(handler, assignEvent('me', artistClaims))).toMatchObject({ statusCode: 200, body: { assignedTo: ARTIST_SUB } });
    expect(await invoke(handler, assignEvent('me', otherArtistClaims))).toMatchObject({ statusCode: 409, body: { code: 'ALREADY_ASSIGNED' } });
    // An admin may reassign.
    expect(await invoke(handler, assignEvent(OTHER_ARTIST_SUB))).toMatchObject({ statusCode: 200, body: { assignedTo: OTHER_ARTIST_SUB } });
  });

  it.each<[string, unknown]>([
    ['no artist', {}],
    ['an empty artist ID', { artistId: '' }],
    ['an artist ID of 129 characters', { artistId: 'a'.repeat(129) }],
    ['a field it does not take', { artistId: 'me', note: 'hi' }],
  ])('answers 400 for %s, assigning nobody', async (_case, body) => {
    const reviews = gate();
    const res = await invoke(
      assignReviewerHandler({ reviews, directory: directory({ [ARTIST_SUB]: ['artists'] }) }),
      makeEvent({ routeKey: 'PUT /v1/admin/orders/{orderId}/assignment', pathParameters: { orderId: ORDER_ID }, claims: adminClaims, body }),
    );
    expect(res).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await reviews.get(ORDER_ID)).not.toHaveProperty('assignedTo');
  });

  it('answers 404 for an order not at the gate, and 409 for one that left it', async () => {
    const reviews = gate();
    const handler = assignReviewerHandler({ reviews, directory: directory({ [ARTIST_SUB]: ['artists'] }) });
    expect(await invoke(handler, assignEvent(ARTIST_SUB, adminClaims, OTHER_ORDER_ID))).toMatchObject({ statusCode: 404, body: { code: 'ORDER_NOT_FOUND' } });
    await reviews.close(ORDER_ID);
    expect(await invoke(handler, assignEvent(ARTIST_SUB))).toMatchObject({ statusCode: 409, body: { code: 'ORDER_NOT_IN_REVIEW' } });
  });
});

describe('Function: ListReviews', () => {
  const list = (claims: Claims, query?: Record<string, string>) => makeEvent({ routeKey: 'GET /v1/admin/reviews', claims, queryStringParameters: query });
  const reviews = () =>
    new FakeReviewStore()
      .seed({ orderId: ORDER_ID, toDecide: 3, assignedTo: ARTIST_SUB, waitingSince: '2030-01-02T00:00:00.000Z' })
      .seed({ orderId: OTHER_ORDER_ID, toDecide: 4, waitingSince: '2030-01-01T00:00:00.000Z' });

  it('shows an admin every waiting order, oldest first', async () => {
    const res = await invoke<{ reviews: { orderId: string }[] }>(listReviewsHandler({ reviews: reviews() }), list(adminClaims));
    expect(res.body.reviews.map((r) => r.orderId)).toEqual([OTHER_ORDER_ID, ORDER_ID]);
  });

  it('answers 400 for an assignment filter it does not know, or a forged cursor', async () => {
    const handler = listReviewsHandler({ reviews: reviews() });
    expect(await invoke(handler, list(adminClaims, { assigned: 'everyone' }))).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringContaining('me, unassigned or all') } });
    expect(await invoke(handler, list(adminClaims, { cursor: 'not-a-cursor' }))).toMatchObject({ statusCode: 400, body: { code: 'INVALID_CURSOR' } });
  });

  it("shows an artist their own by default, the free ones on asking, and refuses them everyone's", async () => {
    const handler = listReviewsHandler({ reviews: reviews() });
    expect((await invoke<{ reviews: { orderId: string }[] }>(handler, list(artistClaims))).body.reviews.map((r) => r.orderId)).toEqual([ORDER_ID]);
    expect((await invoke<{ reviews: { orderId: string }[] }>(handler, list(artistClaims, { assigned: 'unassigned' }))).body.reviews.map((r) => r.orderId)).toEqual([OTHER_ORDER_ID]);
    expect(await invoke(handler, list(artistClaims, { assigned: 'all' }))).toMatchObject({ statusCode: 403, body: { code: 'FORBIDDEN' } });
  });
});
