/**
 * The image provider as the generation workflow sees it: training a
 * customer's LoRA and generating a batch of images, each as a queued request
 * that answers by webhook (with a status poll as the fallback for a lost
 * webhook). Two adapters: fal.ai (`fal-provider.ts`) and the local generator,
 * which makes real pictures offline; a real FAL_KEY in the stage's secret
 * chooses fal, nothing else changes.
 */

/** A request the provider queued: which endpoint, and its ID there (the webhook names it too). */
export interface QueuedRequest {
  readonly endpoint: string;
  readonly requestId: string;
}

/** Where a queued request stands, as the provider's queue reports it. */
export type RequestState = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface TrainingInput {
  readonly endpoint: string;
  /** A URL the provider can download the ZIP of the customer's face crops from (a presigned S3 GET). */
  readonly imagesZipUrl: string;
  /** The word the LoRA learns the customer as; generation prompts include it. */
  readonly triggerWord: string;
  readonly steps?: number;
  /** Where the provider posts the outcome. */
  readonly webhookUrl: string;
}

/**
 * One batch to generate. The engine keeps the customer's face either through their
 * trained LoRA (`loraUrl`, FLUX: sent as `loras`) or through their face crops given as
 * reference images (`referenceUrls`, Seedream edit: sent as `image_urls`); exactly one
 * of the two, as the engine preset's `identity` says.
 */
export interface GenerationInput {
  readonly endpoint: string;
  readonly prompt: string;
  /** The customer's trained LoRA (engines with `identity: 'lora'`). */
  readonly loraUrl?: string;
  readonly loraScale?: number;
  /** URLs the provider can download the customer's face crops from (engines with `identity: 'references'`; at most 10). */
  readonly referenceUrls?: readonly string[];
  /** Images per call (the product's batches are 3). */
  readonly count: number;
  readonly seed: number;
  readonly imageSize: { readonly width: number; readonly height: number };
  /** Settings of the engine preset (steps, guidance, …), sent as they are. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly webhookUrl: string;
}

/** A finished training: where the LoRA weights are. */
export interface TrainingOutput {
  readonly loraUrl: string;
}

/** A finished generation: the images (URLs the studio copies into its own bucket) and the seed used. */
export interface GenerationOutput {
  readonly images: readonly { readonly url: string; readonly width?: number; readonly height?: number; readonly contentType?: string }[];
  readonly seed?: number;
}

/** Why a provider call did not work: worth retrying later, or not. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface ImageProvider {
  submitTraining(input: TrainingInput): Promise<QueuedRequest>;
  submitGeneration(input: GenerationInput): Promise<QueuedRequest>;
  state(request: QueuedRequest): Promise<RequestState>;
  trainingResult(request: QueuedRequest): Promise<TrainingOutput>;
  generationResult(request: QueuedRequest): Promise<GenerationOutput>;
}
