import { ApiError, createFalClient, type FalClient } from '@fal-ai/client';
import {
  type GenerationInput,
  type GenerationOutput,
  type ImageProvider,
  ProviderError,
  type QueuedRequest,
  type RequestState,
  type TrainingInput,
  type TrainingOutput,
} from './provider';

/** fal's queue statuses, as `queue.status` answers them. */
const STATES: Readonly<Record<string, RequestState>> = { IN_QUEUE: 'QUEUED', IN_PROGRESS: 'RUNNING', COMPLETED: 'COMPLETED' };

/** A fal answer the studio can act on: 429 and 5xx are worth another try later, other 4xx are not. */
function providerError(error: unknown, what: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ApiError) {
    const retryable = error.status === 429 || error.status >= 500;
    return new ProviderError(`fal refused to ${what} (${error.status}): ${error.message}`, retryable);
  }
  // The network, a timeout: try again.
  return new ProviderError(`fal could not be reached to ${what}: ${(error as Error).message}`, true);
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/**
 * fal.ai through `@fal-ai/client`'s queue: FLUX LoRA training on a ZIP of the
 * face crops, and LoRA generation of a batch with a seed, each submitted with
 * the webhook URL (`fal_webhook`), followed up by status and result when the
 * webhook is late.
 */
export class FalProvider implements ImageProvider {
  private readonly client: FalClient;

  constructor(credentials: string, fetchImpl?: typeof fetch) {
    this.client = createFalClient({ credentials, ...(fetchImpl && { fetch: fetchImpl }) });
  }

  async submitTraining(input: TrainingInput): Promise<QueuedRequest> {
    try {
      const queued = await this.client.queue.submit(input.endpoint, {
        input: { images_data_url: input.imagesZipUrl, trigger_word: input.triggerWord, create_masks: true, is_style: false, ...(input.steps && { steps: input.steps }) },
        webhookUrl: input.webhookUrl,
      });
      return { endpoint: input.endpoint, requestId: queued.request_id };
    } catch (error) {
      throw providerError(error, 'queue the training');
    }
  }

  async submitGeneration(input: GenerationInput): Promise<QueuedRequest> {
    try {
      const queued = await this.client.queue.submit(input.endpoint, {
        input: {
          ...input.settings,
          prompt: input.prompt,
          loras: [{ path: input.loraUrl, scale: input.loraScale ?? 1 }],
          num_images: input.count,
          seed: input.seed,
          image_size: { width: input.imageSize.width, height: input.imageSize.height },
          enable_safety_checker: true,
          output_format: 'png',
        },
        webhookUrl: input.webhookUrl,
      });
      return { endpoint: input.endpoint, requestId: queued.request_id };
    } catch (error) {
      throw providerError(error, 'queue the generation');
    }
  }

  async state(request: QueuedRequest): Promise<RequestState> {
    try {
      const status = await this.client.queue.status(request.endpoint, { requestId: request.requestId, logs: false });
      return STATES[status.status] ?? 'RUNNING';
    } catch (error) {
      // fal answers a failed request's status with its error: the request is over.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) return 'FAILED';
      throw providerError(error, 'report the status');
    }
  }

  async trainingResult(request: QueuedRequest): Promise<TrainingOutput> {
    const data = record(await this.result(request));
    const url = record(data.diffusers_lora_file).url;
    if (typeof url !== 'string') throw new ProviderError('fal finished the training without a LoRA file', false);
    return { loraUrl: url };
  }

  async generationResult(request: QueuedRequest): Promise<GenerationOutput> {
    const data = record(await this.result(request));
    const images = (Array.isArray(data.images) ? data.images : []).map(record).filter((image) => typeof image.url === 'string');
    if (!images.length) throw new ProviderError('fal finished the generation without images', false);
    return {
      images: images.map((image) => ({
        url: image.url as string,
        width: typeof image.width === 'number' ? image.width : undefined,
        height: typeof image.height === 'number' ? image.height : undefined,
        contentType: typeof image.content_type === 'string' ? image.content_type : undefined,
      })),
      seed: typeof data.seed === 'number' ? data.seed : undefined,
    };
  }

  private async result(request: QueuedRequest): Promise<unknown> {
    try {
      return (await this.client.queue.result(request.endpoint, { requestId: request.requestId })).data;
    } catch (error) {
      throw providerError(error, 'hand over the result');
    }
  }
}
