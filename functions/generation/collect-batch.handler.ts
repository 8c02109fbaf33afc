import type { S3Client } from '@aws-sdk/client-s3';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { type EngineId, enginePreset } from '#shared/generation';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { type Photos, PhotoStore } from '#functions/photos/photo-store';
import { ProviderFailedRepeatedly, ProviderUnavailable } from './errors';
import { type LikenessJudge, MAX_REGENERATIONS } from './identity';
import { type GeneratedImage, type GeneratedImages, type ImageAttempt, imageIdOf, ImageStore, type StoredVariant } from './image-store';
import { type BatchItem, batchHolder, MAX_PROVIDER_CALLS, type QueuedStep } from './job';
import { DEFAULT_STORAGE_VERSION, storageFor } from './layout';
import { likenessJudgeFor } from './likeness-select';
import { processGeneratedImage } from './processing';
import { ProviderError, type RequestState } from './provider';
import { providerSource, type ProviderSource, secretsManagerProviderAccount } from './provider-account';
import { ProviderLimits } from './provider-limits';
import { type ProviderRequests, RequestStore } from './request-store';
import { readObject, writeObject } from './s3-objects';
import { type GenerationSettingsSource, SettingsStore } from './settings-store';
import { bucketsByResource } from './storage-buckets';

export interface CollectBatchInput {
  readonly orderId: string;
  readonly engine: EngineId;
  readonly batch: BatchItem;
  readonly request: QueuedStep;
  readonly state: RequestState;
}

export interface CollectBatchOutput {
  /** The slots to generate again (a new attempt), when `more`. */
  readonly batch: BatchItem;
  readonly more: boolean;
}

/** The largest generated image downloaded (a 2048 × 2048 PNG is about 8 MB). */
const MAX_IMAGE_BYTES = 40 * 1024 * 1024;

/** Downloads one generated image from the provider's URL. */
export async function downloadImage(url: string, fetchImpl: typeof fetch = fetch): Promise<Buffer> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new ProviderUnavailable(`The provider's image answered ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_IMAGE_BYTES) throw new ProviderError(`The provider's image is ${length} bytes, more than ${MAX_IMAGE_BYTES}`, false);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_IMAGE_BYTES) throw new ProviderError(`The provider's image is ${bytes.length} bytes, more than ${MAX_IMAGE_BYTES}`, false);
  return bytes;
}

/**
 * A batch finished at the provider. Each image is compared with the
 * customer's selfies (the identity lock): one that looks like them is
 * processed (preview, master, deliverables) into the order's storage layout
 * and recorded KEPT; one that does not is sent back for another attempt with
 * a new seed, up to {@link MAX_REGENERATIONS} times, then processed for the
 * record and recorded REJECTED with its scores. A failed request gives its
 * slot back and is queued again, up to {@link MAX_PROVIDER_CALLS} calls.
 * Safe to retry: a slot is recorded once, and the same result gives the same
 * answer.
 */
export const collectBatchHandler = ({
  orders,
  photos,
  requests,
  images,
  limits,
  provider,
  judge,
  s3,
  uploadsBucket,
  bucketOf,
  stage,
  settings,
  download = downloadImage,
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly photos: Pick<Photos, 'list'>;
  readonly requests: Pick<ProviderRequests, 'get' | 'countFailure'>;
  readonly images: Pick<GeneratedImages, 'record'>;
  readonly limits: Pick<ProviderLimits, 'release'>;
  readonly provider: ProviderSource;
  readonly judge: () => Promise<LikenessJudge>;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
  /** The bucket name of a storage layout's bucket (a registry resource ID). */
  readonly bucketOf: (resourceId: string) => string;
  readonly stage: string;
  readonly settings: GenerationSettingsSource;
  readonly download?: (url: string) => Promise<Buffer>;
}) =>
  taskHandler<CollectBatchInput, CollectBatchOutput>(async ({ orderId, engine, batch, request, state }) => {
    const holder = batchHolder(orderId, batch);
    if (state === 'FAILED') {
      await limits.release(holder);
      const failures = await requests.countFailure(holder);
      logger.warn('Batch failed at the provider', { orderId, batchId: batch.batchId, requestId: request.requestId, failures });
      if (failures >= MAX_PROVIDER_CALLS) throw new ProviderFailedRepeatedly(`The batch ${batch.batchId} failed ${failures} times at the provider`);
      return { batch, more: true };
    }

    const [order, record, output] = await Promise.all([
      orders.get(orderId),
      requests.get(request.requestId),
      (async () => {
        try {
          return await (await provider()).generationResult(request);
        } catch (error) {
          if (error instanceof ProviderError && error.retryable) throw new ProviderUnavailable(error.message);
          throw error;
        }
      })(),
    ]);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    if (!record) throw new Error(`Provider request ${request.requestId} is not recorded`);
    await limits.release(holder);

    const references = await Promise.all(
      (await photos.list(orderId)).filter((p) => p.status === 'ACCEPTED' && p.cropKey).map((p) => readObject(s3, uploadsBucket, p.cropKey!)),
    );
    if (!references.length) throw new Error(`Order ${orderId} has no accepted selfie to compare with`);
    const [lock, { identityThreshold: threshold }] = await Promise.all([judge(), settings.get()]);
    const layout = storageFor(order.storageVersion ?? DEFAULT_STORAGE_VERSION);
    const bucket = bucketOf(layout.bucket);
    const preset = enginePreset(engine);
    const seed = record.seed ?? 0;
    const pricePerImage = record.listPriceUsd / Math.max(1, batch.slots.length);

    const again: number[] = [];
    const history: Record<string, ImageAttempt[]> = {};
    for (const [index, slot] of batch.slots.entries()) {
      const earlier = batch.history?.[String(slot)] ?? [];
      const image = output.images[index];
      const bytes = image ? await download(image.url) : undefined;
      const judging = Date.now();
      const likeness = bytes ? await lock.similarity(references, bytes) : { similarity: 0, faceFound: false };
      const likenessMs = Date.now() - judging;
      const attempts = [...earlier, { attempt: batch.attempt, requestId: request.requestId, seed, index, similarity: likeness.similarity, faceFound: likeness.faceFound, likenessMs }];
      metrics.addMetric(likeness.similarity >= threshold ? 'ImagesPassedLock' : 'ImagesFailedLock', 'Count', 1);
      const keep = likeness.similarity >= threshold;
      if (!keep && batch.attempt < MAX_REGENERATIONS) {
        again.push(slot);
        history[String(slot)] = attempts;
        continue;
      }
      if (!bytes) continue; // no picture to keep or show: the slot stays open, which the order's count makes visible.
      const started = Date.now();
      const processed = await processGeneratedImage(bytes);
      const imageId = imageIdOf(batch.styleId, batch.poseId, slot);
      const variants: StoredVariant[] = [];
      for (const variant of processed.variants) {
        const key = layout.keyOf({ stage, ownerId: order.customerId, orderId, styleId: batch.styleId, imageId, variant: variant.name, format: variant.format });
        await writeObject(s3, bucket, key, variant.bytes, variant.contentType, variant.checksumSha256);
        variants.push({
          name: variant.name,
          format: variant.format,
          key,
          width: variant.width,
          height: variant.height,
          size: variant.size,
          sha256: variant.sha256,
          ...(variant.density && { density: variant.density }),
        });
      }
      const generated: GeneratedImage = {
        imageId,
        orderId,
        styleId: batch.styleId,
        poseId: batch.poseId,
        slot,
        status: keep ? 'KEPT' : 'REJECTED',
        engine: preset.id,
        endpoint: request.endpoint,
        requestId: request.requestId,
        seed,
        seedIndex: index,
        prompt: record.prompt ?? '',
        identityScore: likeness.similarity,
        identityThreshold: threshold,
        attempts,
        submittedAt: record.submittedAt,
        generatedAt: record.outcomeAt ?? new Date().toISOString(),
        processingMs: Date.now() - started,
        listPriceUsd: Math.round(pricePerImage * attempts.length * 10_000) / 10_000,
        storageVersion: layout.version,
        variants,
        recordedAt: new Date().toISOString(),
      };
      if (!(await images.record(generated))) logger.info('Image recorded already', { orderId, imageId });
    }
    logger.info('Batch collected', { orderId, batchId: batch.batchId, attempt: batch.attempt, regenerate: again });
    return { batch: { ...batch, slots: again, attempt: batch.attempt + 1, history }, more: again.length > 0 };
  });

let judge: Promise<LikenessJudge> | undefined;
export const handler = collectBatchHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  requests: new RequestStore(ddb(), requireEnv('Table')),
  images: new ImageStore(ddb(), requireEnv('Table')),
  settings: new SettingsStore(ddb(), requireEnv('Table')),
  limits: new ProviderLimits(ddb(), requireEnv('Table'), 'fal'),
  provider: providerSource(secretsManagerProviderAccount(requireEnv('FalSecret'))),
  judge: () => (judge ??= likenessJudgeFor(requireEnv('FaceDetection'))),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
  // The buckets a storage version may name (each granted in the catalogue).
  bucketOf: bucketsByResource({ OutputsBucket: requireEnv('OutputsBucket') }),
  stage: process.env.STAGE_NAME ?? 'dev',
});
