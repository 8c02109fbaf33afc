import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { awaitRequestHandler } from '#functions/generation/await-request.handler';
import { signedMessage, type WebhookKeys } from '#functions/generation/fal-webhook-signature';
import { handleFalWebhookHandler } from '#functions/generation/handle-fal-webhook.handler';
import { pollRequestHandler } from '#functions/generation/poll-request.handler';
import type { ImageProvider, RequestState } from '#functions/generation/provider';
import { ProviderError } from '#functions/generation/provider';
import type { ProviderRequestRecord } from '#functions/generation/request-store';
import { invoke, invokeTask, makeEvent } from '../../helpers/events';
import { FakeRequestStore } from '../../helpers/fake-request-store';

/*
 * How a provider request's end reaches the step waiting for it: the webhook
 * (verified, recorded once, resuming the token), the waiting step (which may
 * find the outcome there first) and the poll that replaces a lost webhook.
 */

const NOW = Date.UTC(2030, 0, 1, 12);
const REQUEST_ID = 'req-7f3a';
const ACCOUNT = async () => ({ apiKey: 'local-key-123', jwksUrl: 'https://keys.example.com/jwks.json' });

const queued = (over: Partial<ProviderRequestRecord> = {}): ProviderRequestRecord => ({
  requestId: REQUEST_ID,
  endpoint: 'fal-ai/flux-lora',
  kind: 'generate',
  orderId: 'order-1',
  holder: 'order-1/corporate-grey#front/0',
  listPriceUsd: 0.105,
  submittedAt: new Date(NOW - 10_000).toISOString(),
  ...over,
});

describe('provider requests: webhook, wait and poll', () => {
  const sfnMock = mockClient(SFNClient);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keys: WebhookKeys = { keys: async () => [publicKey] };
  let requests: FakeRequestStore;

  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    requests = new FakeRequestStore();
  });

  const delivery = (body: unknown, over: { key?: KeyObject; timestamp?: number; requestId?: string } = {}) => {
    const raw = JSON.stringify(body);
    const requestId = over.requestId ?? REQUEST_ID;
    const timestamp = String(over.timestamp ?? Math.floor(NOW / 1000));
    const signature = sign(null, signedMessage(requestId, 'user-1', timestamp, Buffer.from(raw)), over.key ?? privateKey).toString('hex');
    return makeEvent({
      routeKey: 'POST /v1/webhooks/fal',
      claims: null,
      // The studio names the order in the webhook URL it hands fal.
      queryStringParameters: { orderId: 'order-1' },
      body: raw,
      headers: {
        'content-type': 'application/json',
        'x-fal-webhook-request-id': requestId,
        'x-fal-webhook-user-id': 'user-1',
        'x-fal-webhook-timestamp': timestamp,
        'x-fal-webhook-signature': signature,
      },
    });
  };
  const webhook = () => handleFalWebhookHandler({ requests, sfn: new SFNClient({}), account: ACCOUNT, keys: () => keys, now: () => NOW });

  describe('Function: HandleFalWebhook', () => {
    it('records the outcome and resumes the waiting step with the state a poll would report', async () => {
      requests.seed(queued({ taskToken: 'token-1' }));
      const answer = await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'OK', payload: { images: [] } }));
      expect(answer).toMatchObject({ statusCode: 200, body: { received: true, outcome: 'resumed' } });
      expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-1', output: JSON.stringify({ state: 'COMPLETED' }) });
      expect(requests.requests.get(REQUEST_ID)).toMatchObject({ outcome: 'OK', reportedBy: 'webhook' });
    });

    it('reports a failed request as FAILED', async () => {
      requests.seed(queued({ taskToken: 'token-1' }));
      await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'ERROR', error: 'boom' }));
      expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { output: JSON.stringify({ state: 'FAILED' }) });
    });

    it('acknowledges a duplicate or a replay and changes nothing', async () => {
      requests.seed(queued({ taskToken: 'token-1' }));
      const event = delivery({ request_id: REQUEST_ID, status: 'OK' });
      await invoke(webhook(), event);
      const again = await invoke(webhook(), event);
      const contrary = await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'ERROR' }));
      expect([again.body, contrary.body]).toEqual([
        { received: true, outcome: 'duplicate' },
        { received: true, outcome: 'duplicate' },
      ]);
      expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
      expect(requests.requests.get(REQUEST_ID)?.outcome).toBe('OK');
    });

    it('records the outcome for the step that is about to wait when none waits yet', async () => {
      requests.seed(queued());
      expect((await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'OK' }))).body).toEqual({ received: true, outcome: 'recorded' });
      expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
    });

    it('acknowledges and ignores a request the studio never queued', async () => {
      expect((await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'OK' }))).body).toEqual({ received: true, outcome: 'unknown' });
      expect(requests.requests.size).toBe(0);
    });

    it('keeps the outcome when the token it holds timed out into a poll', async () => {
      requests.seed(queued({ taskToken: 'stale' }));
      sfnMock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
      expect((await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'OK' }))).body).toEqual({ received: true, outcome: 'recorded' });
      expect(requests.requests.get(REQUEST_ID)?.outcome).toBe('OK');
    });

    it.each([
      ['a forged signature', () => delivery({ request_id: REQUEST_ID, status: 'OK' }, { key: generateKeyPairSync('ed25519').privateKey })],
      ['a stale timestamp', () => delivery({ request_id: REQUEST_ID, status: 'OK' }, { timestamp: Math.floor(NOW / 1000) - 301 })],
    ])('answers 400 INVALID_SIGNATURE to %s and records nothing', async (_case, event) => {
      requests.seed(queued({ taskToken: 'token-1' }));
      const answer = await invoke(webhook(), event());
      expect(answer).toMatchObject({ statusCode: 400, body: { code: 'INVALID_SIGNATURE' } });
      expect(requests.requests.get(REQUEST_ID)?.outcome).toBeUndefined();
      expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
    });

    it.each([
      ['names another request in its body than the one signed', { request_id: 'req-other', status: 'OK' }],
      ['has a status fal does not send', { request_id: REQUEST_ID, status: 'DONE' }],
    ])('answers 400 INVALID_WEBHOOK to a signed body that %s', async (_case, body) => {
      requests.seed(queued({ taskToken: 'token-1' }));
      expect(await invoke(webhook(), delivery(body))).toMatchObject({ statusCode: 400, body: { code: 'INVALID_WEBHOOK' } });
      expect(requests.requests.get(REQUEST_ID)?.outcome).toBeUndefined();
    });
  });

  describe('Function: AwaitProviderRequest', () => {
    const wait = () => awaitRequestHandler({ requests, sfn: new SFNClient({}) });

    it('stores the token and waits while the request runs', async () => {
      requests.seed(queued());
      await expect(invokeTask(wait(), { requestId: REQUEST_ID, taskToken: 'token-2' })).resolves.toEqual({ requestId: REQUEST_ID, waiting: true });
      expect(requests.requests.get(REQUEST_ID)?.taskToken).toBe('token-2');
      expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
    });

    it('resumes itself when the webhook came first', async () => {
      requests.seed(queued({ outcome: 'ERROR' }));
      await expect(invokeTask(wait(), { requestId: REQUEST_ID, taskToken: 'token-3' })).resolves.toEqual({ requestId: REQUEST_ID, waiting: false });
      expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-3', output: JSON.stringify({ state: 'FAILED' }) });
    });

    it('fails for a request that was never recorded', async () => {
      await expect(invokeTask(wait(), { requestId: 'nope', taskToken: 'token' })).rejects.toThrow('not recorded');
    });
  });

  describe('Function: PollProviderRequest', () => {
    const provider = (state: RequestState | Error): ImageProvider =>
      ({
        state: async () => {
          if (state instanceof Error) throw state;
          return state;
        },
      }) as unknown as ImageProvider;
    const poll = (state: RequestState | Error) => pollRequestHandler({ requests, provider: async () => provider(state) });

    it.each(['QUEUED', 'RUNNING'] as const)('sends a %s request back to wait, recording nothing', async (state) => {
      requests.seed(queued());
      await expect(invokeTask(poll(state), { requestId: REQUEST_ID, endpoint: 'fal-ai/flux-lora' })).resolves.toEqual({ state });
      expect(requests.requests.get(REQUEST_ID)?.outcome).toBeUndefined();
    });

    it('records a finished request, so its late webhook is a duplicate', async () => {
      requests.seed(queued());
      await invokeTask(poll('COMPLETED'), { requestId: REQUEST_ID, endpoint: 'fal-ai/flux-lora' });
      expect(requests.requests.get(REQUEST_ID)).toMatchObject({ outcome: 'OK', reportedBy: 'poll' });
      expect((await invoke(webhook(), delivery({ request_id: REQUEST_ID, status: 'OK' }))).body).toEqual({ received: true, outcome: 'duplicate' });
    });

    it('fails with ProviderUnavailable when the queue cannot answer for now, for the state machine to retry', async () => {
      requests.seed(queued());
      await expect(invokeTask(poll(new ProviderError('fal answered 503', true)), { requestId: REQUEST_ID, endpoint: 'fal-ai/flux-lora' })).rejects.toMatchObject({
        name: 'ProviderUnavailable',
      });
    });
  });
});
