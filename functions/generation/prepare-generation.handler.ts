import type { S3Client } from '@aws-sdk/client-s3';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { DEFAULT_ENGINE, enginePreset, POSE_SETS, type PoseId } from '#shared/generation';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { type Photos, PhotoStore } from '#functions/photos/photo-store';
import { type BatchItem, type PreparedJob, trainingZipKey, TRIGGER_WORD } from './job';
import { DEFAULT_STORAGE_VERSION } from './layout';
import { readObject, writeObject } from './s3-objects';
import { trainingZip } from './training-set';

/**
 * The first step of production: the order moves to TRAINING (GENERATING when
 * its engine needs no LoRA), every style × pose batch is planned from the
 * order's style plans, and the customer's face crops are zipped for the
 * trainer. Safe to retry: the same order gives the same job and ZIP.
 */
export const prepareGenerationHandler = ({
  orders,
  photos,
  s3,
  uploadsBucket,
}: {
  readonly orders: Pick<Orders, 'get' | 'plans' | 'transition' | 'startProduction'>;
  readonly photos: Pick<Photos, 'list'>;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
}) =>
  taskHandler<{ orderId: string }, PreparedJob>(async ({ orderId }) => {
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    const preset = enginePreset(order.engine ?? DEFAULT_ENGINE);
    const plans = await orders.plans(orderId);
    if (!plans.length) throw new Error(`Order ${orderId} has no style plans`);
    const batches: BatchItem[] = plans.flatMap((plan) =>
      (plan.poses ?? (POSE_SETS.classic as readonly PoseId[])).map((poseId) => ({
        batchId: `${plan.styleId}#${poseId}`,
        styleId: plan.styleId,
        poseId,
        slots: [0, 1, 2],
        attempt: 0,
        prompt: plan.prompt,
      })),
    );
    const imagesPlanned = batches.reduce((sum, batch) => sum + batch.slots.length, 0);

    if (preset.identity === 'lora') {
      const crops = (await photos.list(orderId)).filter((photo) => photo.status === 'ACCEPTED' && photo.cropKey);
      if (!crops.length) throw new Error(`Order ${orderId} has no accepted photo to train on`);
      const files = await Promise.all(crops.map(async (photo, i) => ({ name: `face-${String(i + 1).padStart(2, '0')}.jpg`, jpeg: await readObject(s3, uploadsBucket, photo.cropKey!) })));
      await writeObject(s3, uploadsBucket, trainingZipKey(orderId), trainingZip(files, { triggerWord: TRIGGER_WORD }), 'application/zip');
    }

    await orders.startProduction(orderId, { engine: preset.id, imagesPlanned, storageVersion: DEFAULT_STORAGE_VERSION });
    const next = preset.identity === 'lora' ? 'TRAINING' : 'GENERATING';
    if (order.status === 'CONFIRMED') {
      await orders.transition(orderId, ['CONFIRMED'], next, {
        detail: preset.identity === 'lora' ? `Learning your face, then ${imagesPlanned} images to make` : `${imagesPlanned} images to make`,
      });
    } else if (order.status !== next) {
      throw new Error(`Order ${orderId} is ${order.status}, not CONFIRMED`);
    }
    logger.info('Production planned', { orderId, engine: preset.id, batches: batches.length, imagesPlanned });
    return { orderId, engine: preset.id, identity: preset.identity, batches, training: { loraUrl: null, retry: false } };
  });

export const handler = prepareGenerationHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
});
