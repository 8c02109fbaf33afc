import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { BATCH_SIZE, type EngineId, enginePreset, imageSeed, listPriceOfCall, poseById, promptFor, TRAINING } from '#shared/generation';
import { type Photos, PhotoStore } from '#functions/photos/photo-store';
import { ProviderBusy, ProviderRefused, ProviderUnavailable } from './errors';
import { type BatchItem, batchHolder, type QueuedStep, trainingHolder, trainingZipKey, TRIGGER_WORD } from './job';
import { ProviderError, type QueuedRequest } from './provider';
import { providerSource, type ProviderSource, secretsManagerProviderAccount } from './provider-account';
import { ProviderLimits } from './provider-limits';
import { type ProviderRequests, RequestStore } from './request-store';

export type SubmitInput =
  | { readonly orderId: string; readonly kind: 'train'; readonly engine: EngineId }
  | { readonly orderId: string; readonly kind: 'generate'; readonly engine: EngineId; readonly loraUrl: string | null; readonly batch: BatchItem };

/** Presigned links the provider downloads from: long enough for its queue. */
const LINK_SECONDS = 2 * 3600;

/**
 * Queues one provider request under the global limits: takes a slot (at most
 * 60 in flight, 30 starts a second, across every order) or fails with
 * ProviderBusy for the state machine to retry later, then submits with the
 * webhook URL and records the request. A retried step finds the request it
 * queued already and answers it again, so a slot is never queued twice.
 */
export const submitRequestHandler = ({
  requests,
  limits,
  provider,
  photos,
  s3,
  uploadsBucket,
  apiUrl,
}: {
  readonly requests: Pick<ProviderRequests, 'forHolder' | 'record'>;
  readonly limits: Pick<ProviderLimits, 'acquire' | 'release'>;
  readonly provider: ProviderSource;
  readonly photos: Pick<Photos, 'list'>;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
  readonly apiUrl: string;
}) =>
  taskHandler<SubmitInput, QueuedStep>(async (input) => {
    const { orderId } = input;
    const holder = input.kind === 'train' ? trainingHolder(orderId) : batchHolder(orderId, input.batch);
    const queued = await requests.forHolder(holder);
    if (queued) return { requestId: queued.requestId, endpoint: queued.endpoint };

    const slot = await limits.acquire(holder);
    if (!slot.granted) throw new ProviderBusy(slot.reason === 'NO_SLOT' ? 'Every provider slot is taken' : "This second's provider starts are used up");

    const webhookUrl = `${apiUrl.replace(/\/$/, '')}/v1/webhooks/fal?orderId=${encodeURIComponent(orderId)}`;
    const link = (key: string) => getSignedUrl(s3, new GetObjectCommand({ Bucket: uploadsBucket, Key: key }), { expiresIn: LINK_SECONDS });
    const submittedAt = new Date().toISOString();
    let request: QueuedRequest;
    let details: { seed?: number; prompt?: string; listPriceUsd: number; batchId?: string; attempt?: number };
    try {
      const client = await provider();
      if (input.kind === 'train') {
        request = await client.submitTraining({
          endpoint: TRAINING.endpoint,
          imagesZipUrl: await link(trainingZipKey(orderId)),
          triggerWord: TRIGGER_WORD,
          steps: TRAINING.settings.steps,
          webhookUrl,
        });
        details = { listPriceUsd: TRAINING.listPrice.usd };
      } else {
        const { batch } = input;
        const preset = enginePreset(input.engine);
        const pose = poseById(batch.poseId);
        if (!pose) throw new ProviderRefused(`Unknown pose ${batch.poseId}`);
        const prompt = promptFor(batch.prompt, pose, preset.identity === 'lora' ? TRIGGER_WORD : undefined);
        const seed = imageSeed(orderId, batch.styleId, batch.poseId, batch.slots[0] ?? 0, batch.attempt);
        const references =
          preset.identity === 'references'
            ? await Promise.all((await photos.list(orderId)).filter((p) => p.status === 'ACCEPTED' && p.cropKey).slice(0, 10).map((p) => link(p.cropKey!)))
            : undefined;
        if (preset.identity === 'lora' && !input.loraUrl) throw new ProviderRefused('The engine needs the trained LoRA, and there is none');
        request = await client.submitGeneration({
          endpoint: preset.endpoint,
          prompt,
          ...(input.loraUrl && preset.identity === 'lora' ? { loraUrl: input.loraUrl } : {}),
          ...(references && { referenceUrls: references }),
          count: batch.slots.length,
          seed,
          imageSize: { width: preset.width, height: preset.height },
          settings: preset.settings,
          webhookUrl,
        });
        details = { seed, prompt, listPriceUsd: listPriceOfCall(preset, batch.slots.length || BATCH_SIZE), batchId: batch.batchId, attempt: batch.attempt };
      }
    } catch (error) {
      // Nothing is at the provider: the slot goes back at once.
      await limits.release(holder);
      if (error instanceof ProviderError) throw error.retryable ? new ProviderUnavailable(error.message) : new ProviderRefused(error.message);
      throw error;
    }
    await requests.record({ requestId: request.requestId, endpoint: request.endpoint, kind: input.kind, orderId, holder, submittedAt, ...details });
    metrics.addMetric(input.kind === 'train' ? 'TrainingsQueued' : 'BatchesQueued', 'Count', 1);
    logger.info('Provider request queued', { orderId, holder, requestId: request.requestId, endpoint: request.endpoint });
    return { requestId: request.requestId, endpoint: request.endpoint };
  });

export const handler = submitRequestHandler({
  requests: new RequestStore(ddb(), requireEnv('Table')),
  limits: new ProviderLimits(ddb(), requireEnv('Table'), 'fal'),
  provider: providerSource(secretsManagerProviderAccount(requireEnv('FalSecret'))),
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
  apiUrl: requireEnv('PublicApi'),
});
