import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { signedMessage } from '../../functions/generation/fal-webhook-signature';
import sharp from 'sharp';
import Stripe from 'stripe';
import { randomBytes } from 'node:crypto';
import { FUNCTIONS, type FunctionSpec, ROUTES, routeKey } from '../../infra/catalogue';
import { pathParamNames } from '../../shared/api/contract';
import { ACCOUNT, type FunctionRuntime, PREFIX, REGION, startFunctionRuntime } from '../../infra/local/cloud';
import type { OrderView } from '../../shared/orders';
import type { StudioView } from '../../shared/studios';
import { makeEvent } from '../unit/helpers/events';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..', '..');

type Answer = { statusCode?: number; body?: string };

/** What one invocation of a function does with a grant, and how it shows when the grant's policy is missing. */
interface GrantCase {
  /** `<FunctionId>/<ResourceId>`: the grant whose IAM statement is dropped. */
  readonly grant: string;
  /** The IAM action the proxy must refuse. */
  readonly denied: string;
  readonly event: () => unknown;
  /** API handlers answer this status (an error, or 200 when the handler only logs the AccessDenied); pipeline tasks fail the invocation. */
  readonly status?: number;
  /**
   * For a grant the function uses only through what it hands out (a signed
   * link, a presigned POST): uses it as the browser would, after the
   * invocation, and answers the HTTP status S3 gave. The refusal happens then.
   */
  readonly follow?: (answer: Answer) => Promise<number>;
  /** Why no call can show the grant missing on this machine; the case is listed but not run. */
  readonly skip?: string;
  /**
   * A pipeline task that only logs the refusal: a customer e-mail that could not be
   * sent never undoes the step it follows, so the invocation succeeds and the log shows it.
   */
  readonly logged?: true;
}

/** Posts a presigned POST's form with a small PNG as the file, as a browser would. */
async function postForm(upload: { url: string; fields: Record<string, string> }, png: Buffer): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(png)], { type: upload.fields['Content-Type'] ?? 'image/png' }), 'image.png');
  return (await fetch(upload.url, { method: 'POST', body: form })).status;
}

const bodyOf = <T>(answer: Answer) => JSON.parse(answer.body ?? '{}') as T;
/** Fetches a signed link from a function's answer. */
const fetchLink = async (url: string | undefined) => (url ? (await fetch(url)).status : 0);

/**
 * Removing any one grant's permissions makes a call fail with AccessDenied, as on AWS: for each
 * function and each of its grants, the function runs in the cloud's function runtime (workers and
 * authorizing proxies, in front of a running local cloud) with that grant's IAM statement dropped
 * and its variables kept, and the invocation that needs the grant is refused (or, for a signed link
 * or form it hands out, the use of it).
 */
describe('every grant of the catalogue is needed: without its statement, the call is AccessDenied', () => {
  let cloud: RunningCloud;
  let customerSub: string;
  let adminSub: string;
  /** An order waiting at the confirmation gate, with six accepted photos. */
  let order: OrderView;
  /** A draft with UPLOADING photos whose files never arrive: one to delete, one to validate. */
  let draft: OrderView;
  let photoToDelete: string;
  let photoToValidate: string;
  /** A second draft holding a photo, to submit. */
  let toSubmit: OrderView;
  /** A draft with one photo (still uploading), for discarding: both cases are refused before it changes. */
  let toDiscard: OrderView;
  /** A seeded studio as its editor reads it, and style images uploaded through the cloud: one left to complete, one completed. */
  let studio: StudioView;
  let imageToComplete: string;
  let imageToDelete: string;
  let png: Buffer;
  let artistSub: string;
  /** Orders written straight into the table in the state a case needs: each case takes two (its run without the grant, and with all). */
  const seeded = new Map<string, string[]>();
  const seededOrder = (pool: string) => () => {
    const id = seeded.get(pool)?.shift();
    if (!id) throw new Error(`No seeded order left in ${pool}`);
    return id;
  };
  const logs: { functionId: string; line: string }[] = [];
  const denials: { functionId: string; action: string; resource: string }[] = [];

  const subOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
  const customer = () => ({ sub: customerSub, 'cognito:groups': '[]', token_use: 'id' });
  const admin = () => ({ sub: adminSub, 'cognito:groups': '[admins]', token_use: 'id' });
  const randomId = () => crypto.randomUUID();
  const newOrder = () => makeEvent({ routeKey: 'POST /v1/orders', claims: customer(), body: { studioId: 'north-light-studio', styleIds: ['corporate-grey'] } });
  const getOrder = () => makeEvent({ routeKey: 'GET /v1/orders/{orderId}', claims: customer(), pathParameters: { orderId: order.orderId } });
  const listStudios = () => makeEvent({ routeKey: 'GET /v1/studios', claims: null });
  const getStudio = () => makeEvent({ routeKey: 'GET /v1/studios/{studioId}', claims: null, pathParameters: { studioId: studio.studioId } });
  const getStudioAdmin = () => makeEvent({ routeKey: 'GET /v1/admin/studios/{studioId}', claims: admin(), pathParameters: { studioId: studio.studioId } });
  const createStudio = () =>
    makeEvent({
      routeKey: 'POST /v1/admin/studios',
      claims: admin(),
      body: { name: `Grant Test ${randomId().slice(0, 8)}`, photographer: { name: 'Test Person', bio: 'Photographs the IAM grants.' }, description: 'A studio made by the grant test.', tags: ['test'] },
    });
  const updateStudio = () => {
    const { name, photographer, description, tags } = studio;
    return makeEvent({ routeKey: 'PUT /v1/admin/studios/{studioId}', claims: admin(), pathParameters: { studioId: studio.studioId }, body: { name, photographer, description, tags } });
  };
  const putStyle = () => {
    const { styleId, name, backdrop, wardrobe, lighting, prompt, priceCredits } = studio.styles[0]!;
    return makeEvent({
      routeKey: 'PUT /v1/admin/studios/{studioId}/styles/{styleId}',
      claims: admin(),
      pathParameters: { studioId: studio.studioId, styleId },
      body: { name, backdrop, wardrobe, lighting, prompt, priceCredits },
    });
  };
  const styleParams = () => ({ studioId: studio.studioId, styleId: studio.styles[0]!.styleId });
  const startImageUpload = () =>
    makeEvent({ routeKey: 'POST /v1/admin/studios/{studioId}/styles/{styleId}/images', claims: admin(), pathParameters: styleParams(), body: { kind: 'reference', contentType: 'image/png', size: png.length } });
  const completeImage = () =>
    makeEvent({ routeKey: 'POST /v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}/complete', claims: admin(), pathParameters: { ...styleParams(), imageId: imageToComplete } });
  const deleteImage = () =>
    makeEvent({ routeKey: 'DELETE /v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}', claims: admin(), pathParameters: { ...styleParams(), imageId: imageToDelete } });
  const startPhotoUpload = () =>
    makeEvent({ routeKey: 'POST /v1/orders/{orderId}/photos', claims: customer(), pathParameters: { orderId: draft.orderId }, body: { fileName: 'me.png', contentType: 'image/png', size: png.length } });
  const deletePhoto = (photoId: string) => makeEvent({ routeKey: 'DELETE /v1/orders/{orderId}/photos/{photoId}', claims: customer(), pathParameters: { orderId: draft.orderId, photoId } });
  const submit = () => makeEvent({ routeKey: 'POST /v1/orders/{orderId}/submit', claims: customer(), pathParameters: { orderId: toSubmit.orderId } });
  /** S3's Object Created event (EventBridge) for a photo whose file never arrived. */
  const photoArrived = () => ({
    'detail-type': 'Object Created',
    source: 'aws.s3',
    time: new Date().toISOString(),
    region: REGION,
    detail: { bucket: { name: cloud.endpoints.buckets.uploads }, object: { key: `originals/${customerSub}/${draft.orderId}/${photoToValidate}` }, reason: 'POST Object' },
  });

  const checkout = () =>
    makeEvent({ routeKey: 'POST /v1/billing/checkout', claims: customer(), headers: { 'content-type': 'application/json', origin: cloud.endpoints.web }, body: { packageId: 'starter' } });
  /** A paid session's event for the customer's wallet, signed with the local webhook secret. */
  const stripeWebhook = () => {
    const body = JSON.stringify({
      id: 'evt_iamGrants',
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'cs_test_iamGrants', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 999, currency: 'usd', metadata: { walletId: customerSub, packageId: 'starter' } } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: cloud.endpoints.stripe.webhookSecret });
    return makeEvent({ routeKey: 'POST /v1/webhooks/stripe', claims: null, headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
  };

  /** An organisation route for the customer, on an organisation that does not exist. */
  let team: { orgId: string; invitationId: string };
  const orgEvent = (routeKey: string, body?: unknown, extra: Record<string, string> = {}) =>
    makeEvent({ routeKey, claims: customer(), pathParameters: { orgId: randomId(), ...extra }, ...(body !== undefined && { body }) });
  /** An invitation answer with a well-formed token nobody issued. */
  const tokenEvent = (action: 'preview' | 'accept' | 'decline') => makeEvent({ routeKey: `POST /v1/invitations/${action}`, claims: customer(), body: { token: 'A'.repeat(43) } });

  const CASES: GrantCase[] = [
    // Orders. A draft order reads its studio before it writes anything.
    { grant: 'CreateOrder/Table', denied: 'dynamodb:Query', status: 500, event: newOrder },
    { grant: 'ListOrders/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/orders', claims: customer() }) },
    { grant: 'GetOrder/Table', denied: 'dynamodb:GetItem', status: 500, event: getOrder },
    { grant: 'DiscardOrder/Table', denied: 'dynamodb:GetItem', status: 500, event: () => makeEvent({ routeKey: 'DELETE /v1/orders/{orderId}', claims: customer(), pathParameters: { orderId: toDiscard.orderId } }) },
    // The photo's files go first: a multi-object delete is authorized per key as s3:DeleteObject.
    { grant: 'DiscardOrder/UploadsBucket', denied: 's3:DeleteObject', status: 500, event: () => makeEvent({ routeKey: 'DELETE /v1/orders/{orderId}', claims: customer(), pathParameters: { orderId: toDiscard.orderId } }) },
    { grant: 'GetOrder/OrderPipeline', denied: 'states:DescribeExecution', status: 500, event: getOrder },
    // GetOrder only signs links to the photos: the link it hands out is refused when it is used.
    { grant: 'GetOrder/UploadsBucket', denied: 's3:GetObject', status: 200, event: getOrder, follow: (answer) => fetchLink(bodyOf<OrderView>(answer).photos?.[0]?.url) },
    // The photo check of the order at the gate: six accepted photos, so it writes the training manifest.
    { grant: 'CheckPhotos/Table', denied: 'dynamodb:Query', event: () => ({ orderId: randomId(), attempt: 0 }) },
    { grant: 'CheckPhotos/UploadsBucket', denied: 's3:PutObject', event: () => ({ orderId: order.orderId, attempt: 0 }) },
    { grant: 'PlanStyle/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), styleId: 'corporate-grey', position: 0 }) },
    { grant: 'AwaitConfirmation/Table', denied: 'dynamodb:UpdateItem', event: () => ({ orderId: randomId(), taskToken: 'token' }) },
    { grant: 'CompleteOrder/OutputsBucket', denied: 's3:PutObject', event: () => ({ orderId: randomId(), decision: { decision: 'confirm', decidedBy: adminSub }, plans: [] }) },
    { grant: 'CompleteOrder/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), decision: { decision: 'confirm', decidedBy: adminSub }, plans: [] }) },
    { grant: 'FailOrder/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), error: { Error: 'OrderRejected', Cause: 'test' } }) },

    // Photos.
    { grant: 'CreatePhotoUpload/Table', denied: 'dynamodb:UpdateItem', status: 500, event: startPhotoUpload },
    // The record is written; the presigned POST it answers is refused when the browser sends the file.
    {
      grant: 'CreatePhotoUpload/UploadsBucket',
      denied: 's3:PutObject',
      status: 201,
      event: startPhotoUpload,
      follow: (answer) => postForm(bodyOf<{ upload: { url: string; fields: Record<string, string> } }>(answer).upload, png),
    },
    { grant: 'DeletePhoto/Table', denied: 'dynamodb:GetItem', status: 500, event: () => deletePhoto(photoToDelete) },
    // The record goes; the files cannot, which the handler logs (lifecycle expiry is the backstop).
    { grant: 'DeletePhoto/UploadsBucket', denied: 's3:DeleteObject', status: 200, event: () => deletePhoto(photoToDelete) },
    { grant: 'SubmitOrder/Table', denied: 'dynamodb:GetItem', status: 500, event: submit },
    { grant: 'SubmitOrder/OrderPipeline', denied: 'states:StartExecution', status: 503, event: submit },
    { grant: 'ValidatePhoto/Table', denied: 'dynamodb:GetItem', event: photoArrived },
    { grant: 'ValidatePhoto/UploadsBucket', denied: 's3:GetObject', event: photoArrived },
    {
      grant: 'ValidatePhoto/FaceDetection',
      denied: 'rekognition:DetectFaces',
      event: photoArrived,
      skip: 'the local cloud binds FaceDetection to the in-process face-api adapter (FACE_ANALYZER=face-api), which calls no AWS service, so there is no call for a proxy to refuse; on AWS it is rekognition:DetectFaces, granted by the CDK binder',
    },

    // Studios. Every read signs links to the studio media: a link is refused when it is used.
    { grant: 'ListStudios/Table', denied: 'dynamodb:Query', status: 500, event: listStudios },
    { grant: 'ListStudios/StudioMediaBucket', denied: 's3:GetObject', status: 200, event: listStudios, follow: (answer) => fetchLink(bodyOf<{ studios: { coverUrl?: string }[] }>(answer).studios.find((s) => s.coverUrl)?.coverUrl) },
    { grant: 'GetStudio/Table', denied: 'dynamodb:Query', status: 500, event: getStudio },
    { grant: 'GetStudio/StudioMediaBucket', denied: 's3:GetObject', status: 200, event: getStudio, follow: (answer) => fetchLink(bodyOf<StudioView>(answer).coverUrl) },
    { grant: 'GetStudioAdmin/Table', denied: 'dynamodb:Query', status: 500, event: getStudioAdmin },
    { grant: 'GetStudioAdmin/StudioMediaBucket', denied: 's3:GetObject', status: 200, event: getStudioAdmin, follow: (answer) => fetchLink(bodyOf<StudioView>(answer).styles[0]?.images[0]?.url) },
    { grant: 'CreateStudio/Table', denied: 'dynamodb:PutItem', status: 500, event: createStudio },
    { grant: 'UpdateStudio/Table', denied: 'dynamodb:Query', status: 500, event: updateStudio },
    { grant: 'UpdateStudio/StudioMediaBucket', denied: 's3:GetObject', status: 200, event: updateStudio, follow: (answer) => fetchLink(bodyOf<StudioView>(answer).coverUrl) },
    { grant: 'PutStyle/Table', denied: 'dynamodb:Query', status: 500, event: putStyle },
    { grant: 'PutStyle/StudioMediaBucket', denied: 's3:GetObject', status: 200, event: putStyle, follow: (answer) => fetchLink(bodyOf<StudioView>(answer).styles[0]?.images[0]?.url) },
    { grant: 'CreateStyleImageUpload/Table', denied: 'dynamodb:Query', status: 500, event: startImageUpload },
    {
      grant: 'CreateStyleImageUpload/StudioMediaBucket',
      denied: 's3:PutObject',
      status: 201,
      event: startImageUpload,
      follow: (answer) => postForm(bodyOf<{ upload: { url: string; fields: Record<string, string> } }>(answer).upload, png),
    },
    { grant: 'CompleteStyleImage/StudioMediaBucket', denied: 's3:GetObject', status: 500, event: completeImage },
    // Reads the uploaded file (the bucket is granted), then cannot add it to its style.
    { grant: 'CompleteStyleImage/Table', denied: 'dynamodb:Query', status: 500, event: completeImage },
    { grant: 'DeleteStyleImage/Table', denied: 'dynamodb:Query', status: 500, event: deleteImage },
    // Removes the image from its style (the table is granted), then cannot delete its file.
    { grant: 'DeleteStyleImage/StudioMediaBucket', denied: 's3:DeleteObject', status: 500, event: deleteImage },

    { grant: 'ListOrderQueue/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/admin/orders', claims: admin() }) },
    { grant: 'ListOrderQueue/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/admin/orders', claims: admin() }) },
    { grant: 'GetMe/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/me', claims: customer() }) },
    // Reads the profile (the pool is granted), then cannot read or open the personal wallet.
    // The person's organisations are read (a Query) beside the profile, before the wallet.
    { grant: 'GetMe/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/me', claims: customer() }) },

    // Wallets: the customer's personal wallet, opened by GET /v1/me before the cases run.
    { grant: 'GetWallet/Table', denied: 'dynamodb:GetItem', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/wallets/{walletId}', claims: customer(), pathParameters: { walletId: customerSub } }) },
    {
      grant: 'ListWalletEntries/Table',
      denied: 'dynamodb:GetItem',
      status: 500,
      event: () => makeEvent({ routeKey: 'GET /v1/wallets/{walletId}/entries', claims: customer(), pathParameters: { walletId: customerSub } }),
    },
    {
      grant: 'AdjustWallet/Table',
      denied: 'dynamodb:GetItem',
      status: 500,
      event: () =>
        makeEvent({ routeKey: 'POST /v1/admin/wallets/{walletId}/adjustments', claims: admin(), pathParameters: { walletId: customerSub }, body: { amount: 1, reason: 'Grant test' } }),
    },
    // The sweeper reads the held reservations on the sparse index first.
    { grant: 'SweepReservations/Table', denied: 'dynamodb:Query', event: () => ({}) },

    // Billing: a checkout reads the wallet, then the Stripe account's secret; the webhook reads the secret to verify, then credits.
    { grant: 'CreateCheckout/Table', denied: 'dynamodb:GetItem', status: 500, event: checkout },
    { grant: 'CreateCheckout/StripeSecret', denied: 'secretsmanager:GetSecretValue', status: 500, event: checkout },
    { grant: 'HandleStripeWebhook/StripeSecret', denied: 'secretsmanager:GetSecretValue', status: 500, event: stripeWebhook },
    { grant: 'HandleStripeWebhook/Table', denied: 'dynamodb:GetItem', status: 500, event: stripeWebhook },
    {
      grant: 'DecideOrder/Table',
      denied: 'dynamodb:UpdateItem',
      status: 500,
      event: () => makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/decision', claims: admin(), pathParameters: { orderId: order.orderId }, body: { decision: 'confirm' } }),
    },
    // Claims the token (the table is granted), is refused SendTaskSuccess, and puts the token back.
    {
      grant: 'DecideOrder/OrderPipeline',
      denied: 'states:SendTaskSuccess',
      status: 503,
      event: () => makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/decision', claims: admin(), pathParameters: { orderId: order.orderId }, body: { decision: 'confirm' } }),
    },

    // Organisations: an organisation nobody created, so each function's first call is the one refused.
    { grant: 'CreateOrganisation/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => makeEvent({ routeKey: 'POST /v1/organisations', claims: customer(), body: { name: 'Grant Test' } }) },
    // Reads the creator's e-mail (the pool is granted), then cannot open the wallet.
    { grant: 'CreateOrganisation/Table', denied: 'dynamodb:PutItem', status: 500, event: () => makeEvent({ routeKey: 'POST /v1/organisations', claims: customer(), body: { name: 'Grant Test' } }) },
    { grant: 'ListOrganisations/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/organisations', claims: customer() }) },
    { grant: 'GetOrganisation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('GET /v1/organisations/{orgId}') },
    { grant: 'CreateInvitation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('POST /v1/organisations/{orgId}/invitations', { email: 'x@example.com', role: 'member' }) },
    {
      grant: 'CreateInvitation/Mail',
      denied: 'ses:SendEmail',
      status: 503,
      // The customer owns this organisation: the invitation is filed, the e-mail refused, the invitation withdrawn.
      event: () => makeEvent({ routeKey: 'POST /v1/organisations/{orgId}/invitations', claims: customer(), pathParameters: { orgId: team.orgId }, body: { email: 'x@example.com', role: 'member' } }),
    },
    {
      grant: 'CreateInvitation/Site',
      denied: '',
      event: () => ({}),
      skip: 'Site is a link, not a permission: the grant gives SITE_URL and no IAM statement, so there is no call to refuse',
    },
    { grant: 'ListInvitations/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('GET /v1/organisations/{orgId}/invitations') },
    { grant: 'RevokeInvitation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('DELETE /v1/organisations/{orgId}/invitations/{invitationId}', undefined, { invitationId: randomId() }) },
    { grant: 'ResendInvitation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('POST /v1/organisations/{orgId}/invitations/{invitationId}/resend', undefined, { invitationId: randomId() }) },
    {
      grant: 'ResendInvitation/Mail',
      denied: 'ses:SendEmail',
      status: 503,
      event: () =>
        makeEvent({
          routeKey: 'POST /v1/organisations/{orgId}/invitations/{invitationId}/resend',
          claims: customer(),
          pathParameters: { orgId: team.orgId, invitationId: team.invitationId },
        }),
    },
    {
      grant: 'ResendInvitation/Site',
      denied: '',
      event: () => ({}),
      skip: 'Site is a link, not a permission: the grant gives SITE_URL and no IAM statement, so there is no call to refuse',
    },
    // The person's e-mail is read first, then the token's invitation.
    { grant: 'PreviewInvitation/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => tokenEvent('preview') },
    { grant: 'PreviewInvitation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => tokenEvent('preview') },
    { grant: 'AcceptInvitation/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => tokenEvent('accept') },
    { grant: 'AcceptInvitation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => tokenEvent('accept') },
    { grant: 'DeclineInvitation/UserPool', denied: 'cognito-idp:AdminGetUser', status: 500, event: () => tokenEvent('decline') },
    { grant: 'DeclineInvitation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => tokenEvent('decline') },
    { grant: 'UpdateMember/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('PUT /v1/organisations/{orgId}/members/{memberSub}', { role: 'admin' }, { memberSub: randomId() }) },
    { grant: 'RemoveMember/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('DELETE /v1/organisations/{orgId}/members/{memberSub}', undefined, { memberSub: randomId() }) },
    { grant: 'LeaveOrganisation/Table', denied: 'dynamodb:GetItem', status: 500, event: () => orgEvent('POST /v1/organisations/{orgId}/leave') },
    // A person the pool does not know, so a call that got through would delete nobody.
    { grant: 'DeleteMe/UserPool', denied: 'cognito-idp:AdminDeleteUser', status: 500, event: () => makeEvent({ routeKey: 'DELETE /v1/me', claims: { sub: randomId(), 'cognito:groups': '[]', token_use: 'id' } }) },
    { grant: 'DeleteMe/Table', denied: 'dynamodb:GetItem', status: 500, event: () => makeEvent({ routeKey: 'DELETE /v1/me', claims: { sub: randomId(), 'cognito:groups': '[]', token_use: 'id' } }) },
  ];
  // API keys.
  const keyId = () => randomBytes(12).toString('hex');
  const stranger = () => ({ sub: randomId(), 'cognito:groups': '[]', token_use: 'id' });
  CASES.push(
    { grant: 'CreateApiKey/Table', denied: 'dynamodb:PutItem', status: 500, event: () => makeEvent({ routeKey: 'POST /v1/api-keys', claims: stranger(), body: { name: 'Grant test' } }) },
    { grant: 'ListApiKeys/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/api-keys', claims: stranger() }) },
    { grant: 'RevokeApiKey/Table', denied: 'dynamodb:GetItem', status: 500, event: () => makeEvent({ routeKey: 'DELETE /v1/api-keys/{keyId}', claims: stranger(), pathParameters: { keyId: keyId() } }) },
    // The authorizer looks a key up by its ID; a failed lookup fails the invocation, which API Gateway answers 500.
    {
      grant: 'Authorize/Table',
      denied: 'dynamodb:GetItem',
      event: () => ({ version: '2.0', type: 'REQUEST', routeKey: 'GET /v1/me', identitySource: [`Bearer hsk_${keyId()}_${randomBytes(32).toString('base64url')}`], headers: {} }),
    },
    {
      grant: 'Authorize/SignInTokens',
      denied: '',
      event: () => ({}),
      skip: "SignInTokens gives TOKEN_ISSUER (the issuer and the web client) and no IAM statement: the issuer's JWKS is public, so there is no call to refuse",
    },
  );

  /**
   * The rate limit's counters, granted to every function of a signed-in route (infra/catalogue/index.ts):
   * one case each, generated. The chain counts the request before it parses any input, so a request
   * with a query parameter no route takes is refused 500 without the grant and 400 (or 403 to a group
   * route) with it, and nothing else happens either way. The caller is nobody the pool knows.
   */
  for (const spec of FUNCTIONS.filter((f) => 'RateLimitTable' in f.grants)) {
    const route = ROUTES.find((r) => r.functionId === spec.id && r.auth !== 'none')!;
    CASES.push({
      grant: `${spec.id}/RateLimitTable`,
      denied: 'dynamodb:UpdateItem',
      status: 500,
      event: () =>
        makeEvent({
          routeKey: routeKey(route),
          claims: stranger(),
          pathParameters: Object.fromEntries(pathParamNames(route.path).map((name) => [name, randomId()])),
          queryStringParameters: { iamGrantsProbe: '1' },
        }),
    });
  }

  // Generation. Provider requests seeded in the table: one finished (the waiting step resumes itself), one waiting for its webhook.
  const finishedRequest = randomId();
  const waitingRequest = randomId();
  /** A fal webhook for a request, signed with the local fal stand-in's key as fal signs. */
  const falWebhook = (requestId: string) => {
    const secrets = JSON.parse(readFileSync(join(cloud.dataDir, 'data', 'fal', 'secrets.json'), 'utf8')) as { userId: string; webhookKey: { privateKeyPem: string } };
    const body = JSON.stringify({ request_id: requestId, gateway_request_id: requestId, status: 'OK', payload: {} });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, signedMessage(requestId, secrets.userId, timestamp, Buffer.from(body)), createPrivateKey(secrets.webhookKey.privateKeyPem)).toString('hex');
    return makeEvent({
      routeKey: 'POST /v1/webhooks/fal',
      claims: null,
      headers: { 'content-type': 'application/json', 'x-fal-webhook-request-id': requestId, 'x-fal-webhook-user-id': secrets.userId, 'x-fal-webhook-timestamp': timestamp, 'x-fal-webhook-signature': signature },
      body,
    });
  };
  const batch = { batchId: 'corporate-grey#front', styleId: 'corporate-grey', poseId: 'front', slots: [0, 1, 2], attempt: 0, prompt: 'grant test' };
  const collectBatch = (state: string) => ({ orderId: randomId(), engine: 'balanced', batch, request: { requestId: randomId(), endpoint: 'fal-ai/flux-lora' }, state });
  const collectTraining = (state: string) => ({ orderId: randomId(), request: { requestId: randomId(), endpoint: 'fal-ai/flux-lora-fast-training' }, state });
  const train = () => ({ orderId: randomId(), kind: 'train', engine: 'balanced' });
  const LINK = 'is a link, not a permission: the grant gives a URL and no IAM statement, so there is no call to refuse';
  const assign = (orderId: string, artistId: string) =>
    makeEvent({ routeKey: 'PUT /v1/admin/orders/{orderId}/assignment', claims: admin(), pathParameters: { orderId }, body: { artistId } });
  const deliver = (orderId: string) => makeEvent({ routeKey: 'POST /v1/admin/orders/{orderId}/deliver', claims: admin(), pathParameters: { orderId } });
  const gallery = (what: 'gallery' | 'download', orderId: string) =>
    makeEvent({ routeKey: `GET /v1/orders/{orderId}/${what}`, claims: customer(), pathParameters: { orderId } });
  CASES.push(
    { grant: 'PrepareGeneration/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId() }) },
    // The order at the gate has accepted photos: their face crops are read for the training ZIP.
    { grant: 'PrepareGeneration/UploadsBucket', denied: 's3:GetObject', event: () => ({ orderId: order.orderId }) },
    { grant: 'SubmitProviderRequest/Table', denied: 'dynamodb:GetItem', event: train },
    // Takes a slot (the table is granted), cannot read the provider's key, and gives the slot back.
    { grant: 'SubmitProviderRequest/FalSecret', denied: 'secretsmanager:GetSecretValue', event: train },
    {
      grant: 'SubmitProviderRequest/UploadsBucket',
      denied: 's3:GetObject',
      event: train,
      skip: "the function only signs a link to the training ZIP; the provider downloads it later, on its own, so the refusal reaches the provider's queue and no call of ours",
    },
    { grant: 'SubmitProviderRequest/PublicApi', denied: '', event: () => ({}), skip: `PublicApi ${LINK} (API_URL)` },
    { grant: 'AwaitProviderRequest/Table', denied: 'dynamodb:UpdateItem', event: () => ({ requestId: randomId(), taskToken: 'grant-test-token' }) },
    // The outcome came first: the step resumes itself, and is refused SendTaskSuccess.
    { grant: 'AwaitProviderRequest/GenerationPipeline', denied: 'states:SendTaskSuccess', event: () => ({ requestId: finishedRequest, taskToken: 'grant-test-token' }) },
    { grant: 'PollProviderRequest/FalSecret', denied: 'secretsmanager:GetSecretValue', event: () => ({ requestId: randomId(), endpoint: 'fal-ai/flux-lora' }) },
    // The stand-in knows no such request (fal answers 404: it is over), so the poll records the outcome.
    { grant: 'PollProviderRequest/Table', denied: 'dynamodb:UpdateItem', event: () => ({ requestId: randomId(), endpoint: 'fal-ai/flux-lora' }) },
    { grant: 'CollectTraining/FalSecret', denied: 'secretsmanager:GetSecretValue', event: () => collectTraining('COMPLETED') },
    // A failed training gives its slot back first.
    { grant: 'CollectTraining/Table', denied: 'dynamodb:UpdateItem', event: () => collectTraining('FAILED') },
    { grant: 'CollectBatch/Table', denied: 'dynamodb:UpdateItem', event: () => collectBatch('FAILED') },
    { grant: 'CollectBatch/FalSecret', denied: 'secretsmanager:GetSecretValue', event: () => collectBatch('COMPLETED') },
    {
      grant: 'CollectBatch/UploadsBucket',
      denied: 's3:GetObject',
      event: () => collectBatch('COMPLETED'),
      skip: 'the selfies are read only after a finished generation at the provider; the end-to-end generation test makes one, this test does not run production',
    },
    {
      grant: 'CollectBatch/OutputsBucket',
      denied: 's3:PutObject',
      event: () => collectBatch('COMPLETED'),
      skip: 'the variants are written only after a finished generation at the provider; the end-to-end generation test makes one, this test does not run production',
    },
    {
      grant: 'CollectBatch/FaceDetection',
      denied: 'rekognition:CompareFaces',
      event: () => collectBatch('COMPLETED'),
      skip: 'the local cloud binds FaceDetection to the in-process face-api adapter, which calls no AWS service; on AWS it is rekognition:CompareFaces, granted by the CDK binder',
    },
    { grant: 'FinishGeneration/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId() }) },
    // The slots the order still holds are read first.
    { grant: 'FailGeneration/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), error: { Error: 'ProviderFailedRepeatedly', Cause: 'grant test' } }) },
    { grant: 'HandleFalWebhook/FalSecret', denied: 'secretsmanager:GetSecretValue', status: 500, event: () => falWebhook(randomId()) },
    { grant: 'HandleFalWebhook/Table', denied: 'dynamodb:UpdateItem', status: 500, event: () => falWebhook(randomId()) },
    // Records the outcome (the table is granted), then cannot resume the waiting step.
    { grant: 'HandleFalWebhook/GenerationPipeline', denied: 'states:SendTaskSuccess', status: 500, event: () => falWebhook(waitingRequest) },
    {
      grant: 'ListOrderImages/Table',
      denied: 'dynamodb:GetItem',
      status: 500,
      event: () => makeEvent({ routeKey: 'GET /v1/admin/orders/{orderId}/images', claims: admin(), pathParameters: { orderId: randomId() } }),
    },
    {
      grant: 'ListOrderImages/OutputsBucket',
      denied: 's3:GetObject',
      event: () => ({}),
      skip: 'the function only signs preview links of generated images; this test does not run production, the end-to-end generation test loads a preview',
    },
    { grant: 'GetLockStats/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/admin/generation/identity-lock', claims: admin() }) },
    {
      grant: 'SetLockThreshold/Table',
      denied: 'dynamodb:PutItem',
      status: 500,
      event: () => makeEvent({ routeKey: 'PUT /v1/admin/generation/identity-lock', claims: admin(), body: { threshold: 0.65 } }),
    },
    // ListOrderImages signs links to the customer's selfies beside the images: a link is refused when it is used.
    {
      grant: 'ListOrderImages/UploadsBucket',
      denied: 's3:GetObject',
      status: 200,
      event: () => makeEvent({ routeKey: 'GET /v1/admin/orders/{orderId}/images', claims: admin(), pathParameters: { orderId: order.orderId } }),
      follow: (answer) => fetchLink(bodyOf<{ selfies: { url: string }[] }>(answer).selfies[0]?.url),
    },

    // Review: the gate's reads and writes, the artist's groups, and the resume of the delivery pipeline.
    { grant: 'ListReviews/Table', denied: 'dynamodb:Query', status: 500, event: () => makeEvent({ routeKey: 'GET /v1/admin/reviews', claims: admin() }) },
    { grant: 'AssignReviewer/Table', denied: 'dynamodb:GetItem', status: 500, event: () => assign(randomId(), artistSub) },
    // The order is at the gate; the artist's groups are read before the assignment is written.
    { grant: 'AssignReviewer/UserPool', denied: 'cognito-idp:AdminListGroupsForUser', status: 500, event: () => assign(seededOrder('inReview')(), artistSub) },
    {
      grant: 'ReviewImage/Table',
      denied: 'dynamodb:GetItem',
      status: 500,
      event: () => makeEvent({ routeKey: 'POST /v1/admin/images/{imageId}/review', claims: admin(), pathParameters: { imageId: `${randomId()}.corporate-grey-front-0` }, body: { decision: 'approve' } }),
    },
    { grant: 'DeliverOrder/Table', denied: 'dynamodb:GetItem', status: 500, event: () => deliver(randomId()) },
    // Every image decided: the token is claimed, the resume refused, the token put back.
    { grant: 'DeliverOrder/DeliveryPipeline', denied: 'states:SendTaskSuccess', status: 503, event: () => deliver(seededOrder('decided')()) },

    // Delivery: the pipeline's steps and the customer's gallery and download.
    { grant: 'AwaitReview/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId(), taskToken: 'grant-test-token' }) },
    { grant: 'ExportArchive/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId() }) },
    {
      grant: 'ExportArchive/OutputsBucket',
      denied: 's3:GetObject',
      event: () => ({}),
      skip: 'the ZIP is built only from the approved images of a reviewed order; this test does not run production, the review-and-delivery integration test builds one',
    },
    { grant: 'SettleDelivery/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId() }) },
    { grant: 'NotifyDelivered/Table', denied: 'dynamodb:GetItem', event: () => ({ orderId: randomId() }) },
    // A delivered order: the link to its ZIP is signed with the key in the secret, the address read from the pool, the mail sent.
    { grant: 'NotifyDelivered/MediaCdn', denied: 'secretsmanager:GetSecretValue', event: () => ({ orderId: seededOrder('delivered')() }) },
    { grant: 'NotifyDelivered/UserPool', denied: 'cognito-idp:AdminGetUser', event: () => ({ orderId: seededOrder('delivered')() }) },
    { grant: 'NotifyDelivered/Mail', denied: 'ses:SendEmail', event: () => ({ orderId: seededOrder('delivered')() }) },
    { grant: 'NotifyDelivered/Site', denied: '', event: () => ({}), skip: `Site ${LINK} (SITE_URL)` },
    // The review gate is closed first.
    { grant: 'FailDelivery/Table', denied: 'dynamodb:UpdateItem', event: () => ({ orderId: randomId(), error: { Error: 'ReviewExpired', Cause: 'grant test' } }) },
    { grant: 'FailDelivery/UserPool', denied: 'cognito-idp:AdminGetUser', event: () => ({ orderId: seededOrder('inReview')(), error: { Error: 'ReviewExpired', Cause: 'grant test' } }) },
    { grant: 'FailDelivery/Mail', denied: 'ses:SendEmail', event: () => ({ orderId: seededOrder('inReview')(), error: { Error: 'ReviewExpired', Cause: 'grant test' } }) },
    { grant: 'FailDelivery/Site', denied: '', event: () => ({}), skip: `Site ${LINK} (SITE_URL)` },
    { grant: 'GetGallery/Table', denied: 'dynamodb:GetItem', status: 500, event: () => gallery('gallery', randomId()) },
    { grant: 'GetGallery/MediaCdn', denied: 'secretsmanager:GetSecretValue', status: 500, event: () => gallery('gallery', seededOrder('delivered')()) },
    { grant: 'GetDownload/Table', denied: 'dynamodb:GetItem', status: 500, event: () => gallery('download', randomId()) },
    { grant: 'GetDownload/MediaCdn', denied: 'secretsmanager:GetSecretValue', status: 500, event: () => gallery('download', seededOrder('delivered')()) },
    // A generated order goes to review: its delivery pipeline is started.
    { grant: 'FinishGeneration/DeliveryPipeline', denied: 'states:StartExecution', event: () => ({ orderId: seededOrder('generated')() }) },

    // The customer's e-mails of steps that go on when the mail cannot be sent: the refusal is logged.
    ...(['UserPool', 'Mail'] as const).flatMap((resource): GrantCase[] => {
      const denied = resource === 'Mail' ? 'ses:SendEmail' : 'cognito-idp:AdminGetUser';
      return [
        { grant: `CheckPhotos/${resource}`, denied, logged: true, event: () => ({ orderId: seededOrder(`validating:${resource}`)(), attempt: 0 }) },
        { grant: `FailOrder/${resource}`, denied, logged: true, event: () => ({ orderId: seededOrder(`submitted:${resource}`)(), error: { Error: 'ConfirmationExpired' } }) },
        { grant: `FailGeneration/${resource}`, denied, logged: true, event: () => ({ orderId: seededOrder(`generating:${resource}`)(), error: { Error: 'ProviderFailedRepeatedly', Cause: 'grant test' } }) },
        { grant: `CompleteOrder/${resource}`, denied, logged: true, event: () => ({ orderId: seededOrder(`atGate:${resource}`)(), decision: { decision: 'confirm', decidedBy: adminSub }, plans: [] }) },
      ];
    }),
    ...['CheckPhotos', 'FailOrder', 'FailGeneration', 'CompleteOrder'].map((id): GrantCase => ({ grant: `${id}/Site`, denied: '', event: () => ({}), skip: `Site ${LINK} (SITE_URL)` })),

    // Last: it confirms the order at the gate (the table and bucket are granted), then cannot start its production.
    {
      grant: 'CompleteOrder/GenerationPipeline',
      denied: 'states:StartExecution',
      event: () => ({ orderId: order.orderId, decision: { decision: 'confirm', decidedBy: adminSub }, plans: [] }),
    },
  );

  const RUN = CASES.filter((c) => !c.skip);
  const SKIPPED = CASES.filter((c) => c.skip);

  /** The cloud's function runtime in front of the running cloud's services, with one grant's statement dropped. */
  const runtimeWithout = (grant?: string): Promise<FunctionRuntime> => {
    const [functionId, resourceId] = grant?.split('/') ?? [];
    const e = cloud.endpoints;
    return startFunctionRuntime({
      root: ROOT,
      services: { dynamodb: e.dynamodb, s3: e.s3, stepfunctions: e.stepfunctions, cognito: e.cognito.endpoint, ses: e.ses, secretsmanager: e.secretsmanager },
      context: { region: REGION, accountId: ACCOUNT, prefix: PREFIX, userPoolId: e.cognito.userPoolId, siteUrl: e.web },
      policyGrants: (spec: FunctionSpec) =>
        spec.id === functionId ? Object.fromEntries(Object.entries(spec.grants).filter(([id]) => id !== resourceId)) : spec.grants,
      baseEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_SERVICE_NAME: 'iam-grants', STRIPE_API_URL: e.stripe.url },
      onLog: (id, line) => logs.push({ functionId: id, line }),
      onDenied: (id, access) => denials.push({ functionId: id, ...access }),
    });
  };

  /** Invokes and returns the answer, or the Lambda error of a failed invocation. */
  const invoke = async (runtime: FunctionRuntime, functionId: string, event: unknown) =>
    runtime.functions.invoke(functionId, event).then(
      (answer) => ({ answer: answer as { statusCode?: number; body?: string }, error: undefined }),
      (error: Error) => ({ answer: undefined, error }),
    );

  beforeAll(async () => {
    cloud = await startLocalCloud();
    const customerToken = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    const adminToken = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin'));
    customerSub = subOf(customerToken);
    adminSub = subOf(adminToken);
    png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } }).png().toBuffer();
    // Everything below goes through the cloud with the catalogue's own grants.
    const asCustomer = new CustomerApi(cloud.endpoints.api, customerToken);
    const asAdmin = new CustomerApi(cloud.endpoints.api, adminToken);
    order = await asCustomer.orderAtGate(['corporate-grey']);
    // Provider requests for the generation cases, as the submit step records them.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION, endpoint: cloud.endpoints.dynamodb, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const request = (requestId: string, extra: Record<string, unknown>) =>
      doc.send(
        new PutCommand({
          TableName: cloud.endpoints.tableName,
          Item: { pk: `PROVIDER_REQUEST#${requestId}`, sk: 'REQUEST', requestId, endpoint: 'fal-ai/flux-lora', kind: 'generate', orderId: randomId(), holder: `${randomId()}/train`, listPriceUsd: 0.105, submittedAt: new Date().toISOString(), ...extra },
        }),
      );
    await request(finishedRequest, { outcome: 'OK', outcomeAt: new Date().toISOString(), reportedBy: 'webhook' });
    await request(waitingRequest, { taskToken: 'grant-test-token' });
    artistSub = subOf(await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist')));
    // Orders in the states the review, delivery and e-mail cases need, written as the stores write them.
    const put = (item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: cloud.endpoints.tableName, Item: item }));
    const seedOrders = async (pool: string, status: string, extra: Record<string, unknown> = {}, after?: (orderId: string) => Promise<unknown>) => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const orderId = randomId();
        const at = new Date().toISOString();
        await put({
          pk: `ORDER#${orderId}`,
          sk: 'ORDER',
          orderId,
          customerId: customerSub,
          status,
          studioId: 'north-light-studio',
          studioName: 'North Light Studio',
          styles: ['corporate-grey'],
          styleDetails: order.styleDetails,
          credits: 0,
          photoCount: 0,
          createdAt: at,
          updatedAt: at,
          timeline: [{ status, at }],
          ...extra,
        });
        await after?.(orderId);
        ids.push(orderId);
      }
      seeded.set(pool, ids);
    };
    const review = (orderId: string, extra: Record<string, unknown> = {}) =>
      put({ pk: `ORDER#${orderId}`, sk: 'REVIEW', orderId, customerId: customerSub, status: 'WAITING', waitingSince: new Date().toISOString(), toDecide: 1, approved: 0, rejected: 0, version: 0, taskToken: 'grant-test-token', ...extra });
    await seedOrders('inReview', 'PENDING_REVIEW', {}, (orderId) => review(orderId));
    await seedOrders('decided', 'PENDING_REVIEW', {}, (orderId) => review(orderId, { approved: 1 }));
    const archive = { key: 'deliveries/local/grant-test/headshots.zip', size: 22, sha256: '0'.repeat(64), entries: 1, builtAt: new Date().toISOString() };
    await seedOrders('delivered', 'DELIVERED', {}, (orderId) => put({ pk: `ORDER#${orderId}`, sk: 'DELIVERY', orderId, archive, charged: 0, returned: 0, approved: 1 }));
    await seedOrders('generated', 'GENERATING', { imagesKept: 1, imagesDone: 1, imagesRejected: 0 });
    // Each of another (made-up) customer, so the demo customer's count of open orders stays true. Without the
    // pool, the address is looked up (AdminGetUser); without mail, the order carries it and the send is refused.
    for (const [pool, status] of [['validating', 'VALIDATING'], ['submitted', 'SUBMITTED'], ['generating', 'GENERATING'], ['atGate', 'PENDING_EDITOR_CONFIRMATION']] as const) {
      await seedOrders(`${pool}:UserPool`, status, { customerId: randomId() });
      await seedOrders(`${pool}:Mail`, status, { customerId: randomId(), customerEmail: 'grant-test@example.com' });
    }
    // Opens the customer's personal wallet, which the wallet cases read and adjust.
    expect((await asCustomer.call('GET', '/v1/me')).status).toBe(200);
    const created = async () => {
      const answer = await asCustomer.call('POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['corporate-grey'] });
      expect(answer.status).toBe(201);
      return answer.body as unknown as OrderView;
    };
    /** Starts an upload whose file is never sent: the photo stays UPLOADING. */
    const photoOf = async (orderId: string) => {
      const answer = await asCustomer.call('POST', `/v1/orders/${orderId}/photos`, { fileName: 'me.png', contentType: 'image/png', size: png.length });
      expect(answer.status).toBe(201);
      return answer.body.photoId as string;
    };
    // An organisation the customer owns, with one pending invitation (its e-mail goes to the outbox).
    const org = await asCustomer.call('POST', '/v1/organisations', { name: 'Grant Test Team' });
    expect(org.status).toBe(201);
    const invited = await asCustomer.call('POST', `/v1/organisations/${org.body.orgId as string}/invitations`, { email: 'grant-test@example.com', role: 'member' });
    expect(invited.status).toBe(201);
    team = { orgId: org.body.orgId as string, invitationId: invited.body.invitationId as string };
    draft = await created();
    photoToDelete = await photoOf(draft.orderId);
    photoToValidate = await photoOf(draft.orderId);
    toDiscard = await created();
    await photoOf(toDiscard.orderId);
    toSubmit = await created();
    await photoOf(toSubmit.orderId);

    studio = (await asAdmin.call('GET', '/v1/admin/studios/north-light-studio')).body as unknown as StudioView;
    const styleImages = `/v1/admin/studios/${studio.studioId}/styles/${studio.styles[0]!.styleId}/images`;
    const uploadedImage = async () => {
      const answer = await asAdmin.call('POST', styleImages, { kind: 'reference', contentType: 'image/png', size: png.length });
      expect(answer.status).toBe(201);
      expect(await postForm((answer.body as { upload: { url: string; fields: Record<string, string> } }).upload, png)).toBe(204);
      return answer.body.imageId as string;
    };
    imageToComplete = await uploadedImage();
    imageToDelete = await uploadedImage();
    expect((await asAdmin.call('POST', `${styleImages}/${imageToDelete}/complete`)).status).toBe(200);
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('covers every grant of every function in the catalogue', () => {
    const grants = FUNCTIONS.flatMap((spec) => Object.keys(spec.grants).map((resourceId) => `${spec.id}/${resourceId}`)).sort();
    expect(CASES.map((c) => c.grant).sort()).toEqual(grants);
  });

  it.each(SKIPPED.map((c) => [c.grant, c.skip] as const))('cannot show %s missing on this machine: %s', (grant) => {
    // Only a grant the catalogue holds may be listed as not provable here, and only with its reason.
    expect(FUNCTIONS.flatMap((spec) => Object.keys(spec.grants).map((id) => `${spec.id}/${id}`))).toContain(grant);
  });

  it.each(RUN.map((c) => [c.grant, c] as const))('without %s', async (grant, c) => {
    const functionId = grant.split('/')[0];
    const runtime = await runtimeWithout(grant);
    try {
      const since = denials.length;
      const { answer, error } = await invoke(runtime, functionId, c.event());
      const followed = c.follow && answer ? await c.follow(answer) : undefined;
      const denied = denials.slice(since).filter((d) => d.functionId === functionId);
      expect(denied.map((d) => d.action)).toContain(c.denied);
      if (c.follow) {
        // The function answered; what it handed out is refused when used.
        if (c.status) expect(answer?.statusCode).toBe(c.status);
        expect(followed).toBe(403);
      } else if (c.status) {
        // The API handler answers its own error (not the front's), or succeeds having logged what it could not do.
        expect(answer?.statusCode).toBe(c.status);
        if (c.status >= 400) expect(JSON.parse(answer!.body!)).toMatchObject({ code: expect.any(String) });
        await eventually(async () => logs.find((l) => l.functionId === functionId && /AccessDenied/.test(l.line)), 5_000, 'the AccessDenied in the log');
      } else if (c.logged) {
        expect(error).toBeUndefined();
        await eventually(async () => logs.find((l) => l.functionId === functionId && /AccessDenied|is not authorized to perform/.test(l.line)), 5_000, 'the AccessDenied in the log');
      } else {
        // A pipeline task fails its invocation with the service's AccessDenied, which Step Functions would see
        // (Powertools' secrets provider wraps it as a GetParameterError that keeps the service's message).
        expect(error?.message).toMatch(/AccessDenied|is not authorized to perform/);
      }
    } finally {
      await runtime.stop();
    }
  });

  it('refuses none of the same calls with the full grants', async () => {
    const runtime = await runtimeWithout();
    try {
      const since = denials.length;
      const check = async (c: GrantCase) => {
        const functionId = c.grant.split('/')[0];
        const { answer } = await invoke(runtime, functionId, c.event());
        if (c.status && c.status >= 400) expect({ grant: c.grant, status: answer?.statusCode }).not.toEqual({ grant: c.grant, status: c.status });
        if (c.follow && answer) expect({ grant: c.grant, status: await c.follow(answer) }).not.toEqual({ grant: c.grant, status: 403 });
      };
      // Three at a time (each case has fixtures of its own), then, one by one, those that decide or
      // confirm the order at the gate, which other cases read.
      const last = (c: GrantCase) => c.grant.startsWith('DecideOrder/') || c.grant === 'CompleteOrder/GenerationPipeline';
      const first = RUN.filter((c) => !last(c));
      for (let i = 0; i < first.length; i += 3) await Promise.all(first.slice(i, i + 3).map(check));
      for (const c of RUN.filter(last)) await check(c);
      expect(denials.slice(since)).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });
});
