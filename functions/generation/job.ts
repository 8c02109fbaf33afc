import type { EngineId, IdentitySource, PoseId } from '#shared/generation';
import type { ImageAttempt } from './image-store';

/**
 * What the generation pipeline carries from step to step (kept small: the
 * execution's data is limited to 256 KiB, and every step's input is in its
 * history).
 */

/** One provider call to make: a style in a pose, the slots still to fill, and which attempt this is. */
export interface BatchItem {
  /** `<style>#<pose>`. */
  readonly batchId: string;
  readonly styleId: string;
  readonly poseId: PoseId;
  /** Slots 0..2 still to settle; a regeneration carries only the slots the lock sent back. */
  readonly slots: readonly number[];
  /** 0 for the first call; each regeneration adds one (and so draws new seeds). */
  readonly attempt: number;
  /** The style's plan prompt. */
  readonly prompt: string;
  /** Earlier tries of the slots still open, so the final record lists every attempt. */
  readonly history?: Readonly<Record<string, readonly ImageAttempt[]>>;
}

export interface PreparedJob {
  readonly orderId: string;
  readonly engine: EngineId;
  readonly identity: IdentitySource;
  readonly batches: readonly BatchItem[];
  readonly training: { readonly loraUrl: string | null; readonly retry: false };
}

/** The request a submit step queued. */
export interface QueuedStep {
  readonly requestId: string;
  readonly endpoint: string;
}

/** Where the training ZIP of an order's face crops lives (the uploads bucket, beside the selfies). */
export const trainingZipKey = (orderId: string): string => `training/${orderId}/face-crops.zip`;

/** The LoRA's trigger word: the token the prompts name the customer by. */
export const TRIGGER_WORD = 'hdshtsbj';

/** A failed training or batch call is queued again, at most this many calls in all. */
export const MAX_PROVIDER_CALLS = 5;

/** Slot holders under the provider's limits. */
export const trainingHolder = (orderId: string): string => `${orderId}/train`;
export const batchHolder = (orderId: string, batch: Pick<BatchItem, 'batchId' | 'attempt'>): string => `${orderId}/${batch.batchId}/${batch.attempt}`;
