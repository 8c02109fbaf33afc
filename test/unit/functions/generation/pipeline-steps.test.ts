import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { unzipSync } from 'fflate';
import { collectTrainingHandler } from '#functions/generation/collect-training.handler';
import { failGenerationHandler } from '#functions/generation/fail-generation.handler';
import { finishGenerationHandler } from '#functions/generation/finish-generation.handler';
import { prepareGenerationHandler } from '#functions/generation/prepare-generation.handler';
import { ProviderError, type GenerationInput, type ImageProvider, type TrainingInput } from '#functions/generation/provider';
import { submitRequestHandler } from '#functions/generation/submit-request.handler';
import type { PhotoRecord } from '#functions/photos/photo-store';
import { CUSTOMER_SUB, invokeTask } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakeRequestStore } from '../../helpers/fake-request-store';
import { ORDER_ID, orderRecord, PLANS } from '../../helpers/orders';

/*
 * The generation pipeline's other steps against fakes: planning and the
 * training ZIP, queueing under the global limits, the trained LoRA, and how
 * production ends (PENDING_REVIEW, or FAILED with a reason, slots freed).
 */

const photo = (photoId: string, status = 'ACCEPTED') => ({ orderId: ORDER_ID, photoId, status, cropKey: `crops/${photoId}.jpg` }) as unknown as PhotoRecord;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);

describe('the generation pipeline steps', () => {
  const s3Mock = mockClient(S3Client);

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(JPEG) } } as never);
  });

  describe('Function: PrepareGeneration', () => {
    const prepare = (store: FakeOrderStore, photos = [photo('a'), photo('b', 'REJECTED'), photo('c')]) =>
      prepareGenerationHandler({ orders: store, photos: { list: async () => photos }, s3: new S3Client({}), uploadsBucket: 'uploads' });

    it('moves a confirmed order to TRAINING, plans one batch of 3 per style × pose and zips the accepted face crops', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'CONFIRMED' }));
      for (const plan of PLANS) await store.savePlan(ORDER_ID, { ...plan, poses: ['front', 'shoulders'] });
      const job = await invokeTask(prepare(store), { orderId: ORDER_ID });
      expect(job).toMatchObject({ orderId: ORDER_ID, engine: 'balanced', identity: 'lora', training: { loraUrl: null, retry: false } });
      expect(job.batches).toHaveLength(PLANS.length * 2);
      expect(job.batches[0]).toMatchObject({ batchId: `${PLANS[0]!.styleId}#front`, slots: [0, 1, 2], attempt: 0 });
      expect(await store.get(ORDER_ID)).toMatchObject({ status: 'TRAINING', imagesPlanned: PLANS.length * 6, imagesDone: 0, storageVersion: 1 });
      const zip = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
      expect(zip.Key).toBe(`training/${ORDER_ID}/face-crops.zip`);
      expect(Object.keys(unzipSync(zip.Body as Uint8Array)).filter((name) => name.endsWith('.jpg'))).toHaveLength(2);
    });

    it('goes straight to GENERATING, with no ZIP, for an engine that takes the selfies as references', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'CONFIRMED', engine: 'quality' }));
      for (const plan of PLANS) await store.savePlan(ORDER_ID, plan);
      const job = await invokeTask(prepare(store), { orderId: ORDER_ID });
      expect(job.identity).toBe('references');
      expect((await store.get(ORDER_ID))?.status).toBe('GENERATING');
      expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    });

    it('gives the same job when retried after the order moved on', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'CONFIRMED' }));
      for (const plan of PLANS) await store.savePlan(ORDER_ID, plan);
      const first = await invokeTask(prepare(store), { orderId: ORDER_ID });
      await expect(invokeTask(prepare(store), { orderId: ORDER_ID })).resolves.toEqual(first);
    });

    it('fails an order with no accepted photo to train on', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'CONFIRMED' }));
      for (const plan of PLANS) await store.savePlan(ORDER_ID, plan);
      await expect(invokeTask(prepare(store, [photo('x', 'REJECTED')]), { orderId: ORDER_ID })).rejects.toThrow('no accepted photo');
    });
  });

  describe('Function: SubmitProviderRequest', () => {
    let requests: FakeRequestStore;
    let slots: { granted: boolean; released: string[] };
    let submitted: (TrainingInput | GenerationInput)[];
    let failWith: Error | undefined;

    beforeEach(() => {
      requests = new FakeRequestStore();
      slots = { granted: true, released: [] };
      submitted = [];
      failWith = undefined;
    });

    const provider = {
      submitTraining: async (input: TrainingInput) => {
        if (failWith) throw failWith;
        submitted.push(input);
        return { endpoint: input.endpoint, requestId: `req-${submitted.length}` };
      },
      submitGeneration: async (input: GenerationInput) => {
        if (failWith) throw failWith;
        submitted.push(input);
        return { endpoint: input.endpoint, requestId: `req-${submitted.length}` };
      },
    } as unknown as ImageProvider;
    const submit = () =>
      submitRequestHandler({
        requests,
        limits: {
          acquire: async () => (slots.granted ? { granted: true as const, expiresAt: 0 } : { granted: false as const, reason: 'NO_SLOT' as const }),
          release: async (holder) => void slots.released.push(holder),
        },
        provider: async () => provider,
        photos: { list: async () => [photo('a')] },
        s3: new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
        uploadsBucket: 'uploads',
        apiUrl: 'https://api.example.com/',
      });
    const generate = { orderId: ORDER_ID, kind: 'generate' as const, engine: 'balanced' as const, loraUrl: 'https://cdn.example.com/lora.safetensors', batch: { batchId: 'corporate-grey#front', styleId: 'corporate-grey', poseId: 'front' as const, slots: [0, 1, 2], attempt: 0, prompt: 'mid-grey paper' } };

    it('queues a batch with the webhook URL, the LoRA, the pose in the prompt and the slot seed, and records it with its list price', async () => {
      await expect(invokeTask(submit(), generate)).resolves.toEqual({ requestId: 'req-1', endpoint: 'fal-ai/flux-lora' });
      expect(submitted[0]).toMatchObject({
        webhookUrl: `https://api.example.com/v1/webhooks/fal?orderId=${ORDER_ID}`,
        loraUrl: 'https://cdn.example.com/lora.safetensors',
        count: 3,
        imageSize: { width: 1024, height: 1024 },
      });
      expect((submitted[0] as GenerationInput).prompt).toMatch(/^photo of \w+, mid-grey paper; facing the camera/);
      expect(await requests.get('req-1')).toMatchObject({ holder: `${ORDER_ID}/corporate-grey#front/0`, listPriceUsd: 0.105, seed: (submitted[0] as GenerationInput).seed });
    });

    it('answers the request it queued already when the step is retried, queueing nothing more', async () => {
      await invokeTask(submit(), generate);
      await expect(invokeTask(submit(), generate)).resolves.toEqual({ requestId: 'req-1', endpoint: 'fal-ai/flux-lora' });
      expect(submitted).toHaveLength(1);
    });

    it('draws a new seed for a regeneration', async () => {
      await invokeTask(submit(), generate);
      await invokeTask(submit(), { ...generate, batch: { ...generate.batch, slots: [1], attempt: 1 } });
      expect((submitted[1] as GenerationInput).seed).not.toBe((submitted[0] as GenerationInput).seed);
      expect((submitted[1] as GenerationInput).count).toBe(1);
    });

    it('fails with ProviderBusy, queueing nothing, when no slot is free', async () => {
      slots.granted = false;
      await expect(invokeTask(submit(), generate)).rejects.toMatchObject({ name: 'ProviderBusy' });
      expect(submitted).toEqual([]);
    });

    it.each([
      ['for a while (503): ProviderUnavailable, retried', new ProviderError('fal refused to queue (503)', true), 'ProviderUnavailable'],
      ['the request itself (422): ProviderRefused, not retried', new ProviderError('fal refused to queue (422)', false), 'ProviderRefused'],
    ])('gives the slot back at once when the provider refuses %s', async (_case, error, name) => {
      failWith = error;
      await expect(invokeTask(submit(), generate)).rejects.toMatchObject({ name });
      expect(slots.released).toEqual([`${ORDER_ID}/corporate-grey#front/0`]);
      expect(requests.requests.size).toBe(0);
    });

    it('queues the training on a presigned link to the ZIP of face crops', async () => {
      await invokeTask(submit(), { orderId: ORDER_ID, kind: 'train', engine: 'balanced' });
      expect(submitted[0]).toMatchObject({ endpoint: 'fal-ai/flux-lora-fast-training', steps: 1000 });
      expect((submitted[0] as TrainingInput).imagesZipUrl).toContain(`training/${ORDER_ID}/face-crops.zip`);
      expect((submitted[0] as TrainingInput).imagesZipUrl).toContain('X-Amz-Signature=');
    });
  });

  describe('Function: CollectTraining', () => {
    it('keeps the LoRA, gives the slot back and moves the order to GENERATING; a retry finds it there', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'TRAINING' }));
      const released: string[] = [];
      const handler = collectTrainingHandler({
        orders: store,
        requests: new FakeRequestStore(),
        limits: { release: async (holder) => void released.push(holder) },
        provider: async () => ({ trainingResult: async () => ({ loraUrl: 'https://cdn.example.com/lora.safetensors' }) }) as unknown as ImageProvider,
      });
      const input = { orderId: ORDER_ID, request: { requestId: 'req-t', endpoint: 'fal-ai/flux-lora-fast-training' }, state: 'COMPLETED' as const };
      await expect(invokeTask(handler, input)).resolves.toEqual({ loraUrl: 'https://cdn.example.com/lora.safetensors', retry: false });
      await expect(invokeTask(handler, input)).resolves.toMatchObject({ retry: false });
      expect((await store.get(ORDER_ID))?.status).toBe('GENERATING');
      expect(released).toEqual([`${ORDER_ID}/train`, `${ORDER_ID}/train`]);
    });
  });

  describe('Functions: FinishGeneration and FailGeneration', () => {
    const DELIVERY_PIPELINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:DeliveryPipeline';
    const sfnMock = mockClient(SFNClient);
    beforeEach(() => sfnMock.reset());
    const finish = (store: FakeOrderStore) => finishGenerationHandler({ orders: store, sfn: new SFNClient({}), deliveryPipeline: DELIVERY_PIPELINE });

    it('moves a generated order to PENDING_REVIEW, saying how many were kept and set aside, and starts its delivery pipeline', async () => {
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution' });
      const store = new FakeOrderStore().seed(orderRecord({ status: 'GENERATING', imagesKept: 10, imagesRejected: 2 }));
      await invokeTask(finish(store), { orderId: ORDER_ID });
      const order = await store.get(ORDER_ID);
      expect(order?.status).toBe('PENDING_REVIEW');
      expect(order?.timeline.at(-1)?.detail).toBe('10 headshots ready for review (2 set aside: they did not look enough like you)');
      expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: DELIVERY_PIPELINE, name: `${ORDER_ID}-delivery`, input: JSON.stringify({ orderId: ORDER_ID }) });
    });

    it('starts the delivery pipeline again when retried, and takes an execution that exists already as started', async () => {
      sfnMock.on(StartExecutionCommand).rejectsOnce(new Error('throttled')).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
      const store = new FakeOrderStore().seed(orderRecord({ status: 'GENERATING', imagesKept: 3 }));
      await expect(invokeTask(finish(store), { orderId: ORDER_ID })).rejects.toThrow('throttled');
      // The order moved before the start failed: the retry finds it in review and starts the pipeline once more.
      expect((await store.get(ORDER_ID))?.status).toBe('PENDING_REVIEW');
      await expect(invokeTask(finish(store), { orderId: ORDER_ID })).resolves.toEqual({ orderId: ORDER_ID, status: 'PENDING_REVIEW' });
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    });

    it('fails production when the identity lock kept nothing, and starts no delivery', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'GENERATING', imagesKept: 0, imagesRejected: 12 }));
      await expect(invokeTask(finish(store), { orderId: ORDER_ID })).rejects.toMatchObject({ name: 'NoImagesKept' });
      expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    });

    it('ends the order FAILED with the reason the customer reads and frees the slots it still held, and no one else’s', async () => {
      const store = new FakeOrderStore().seed(orderRecord({ status: 'GENERATING', credits: 28 }));
      const ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 12);
      const held: Record<string, number> = { [`${ORDER_ID}/a#front/0`]: 1, [`${ORDER_ID}/a#seated/1`]: 1, 'other-order/train': 1 };
      const handler = failGenerationHandler({
        orders: store,
        limits: { holders: async () => ({ ...held }), release: async (holder) => void delete held[holder] },
        ledger,
      });
      await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'ProviderFailedRepeatedly', Cause: 'The batch failed 5 times' } });
      // Retried after a lost answer: nothing more happens.
      await invokeTask(handler, { orderId: ORDER_ID, error: { Error: 'ProviderFailedRepeatedly', Cause: 'The batch failed 5 times' } });
      expect(await ledger.get(CUSTOMER_SUB)).toMatchObject({ balance: 40 });
      expect((await ledger.entries(CUSTOMER_SUB, { limit: 10 })).entries.filter((e) => e.type === 'refund')).toEqual([expect.objectContaining({ amount: 28, reference: ORDER_ID })]);
      expect(await store.get(ORDER_ID)).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('image service failed several times') });
      expect(Object.keys(held)).toEqual(['other-order/train']);
    });
  });
});
