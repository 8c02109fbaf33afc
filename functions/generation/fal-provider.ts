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

/** fal's queue API and its synchronous twin: the origins `@fal-ai/client` builds its URLs on. */
const FAL_ORIGINS = /^https:\/\/(?:queue\.)?fal\.run(?=\/|\?|$)/;

/** A request URL of `@fal-ai/client` moved to another origin (the local stand-in); other URLs are left alone. */
export function rebaseFalUrl(url: string, baseUrl: string): string {
  return url.replace(FAL_ORIGINS, baseUrl.replace(/\/+$/, ''));
}

export interface FalProviderOptions {
  /** The fetch the client uses (tests). */
  readonly fetch?: typeof fetch;
  /**
   * Another origin for fal's queue API, e.g. the local fal stand-in's `http://127.0.0.1:12311`:
   * every `https://queue.fal.run/…` (and `https://fal.run/…`) request goes there instead,
   * through `@fal-ai/client`'s `requestMiddleware`. Absent: fal.ai itself.
   */
  readonly baseUrl?: string;
}

/**
 * fal.ai through `@fal-ai/client`'s queue: FLUX LoRA training on a ZIP of the
 * face crops, and generation of a batch with a seed (FLUX with the customer's LoRA,
 * or Seedream edit with the face crops as references), each submitted with the
 * webhook URL (`fal_webhook`), followed up by status and result when the webhook
 * is late. With `baseUrl` the same client talks to the local fal stand-in.
 */
export class FalProvider implements ImageProvider {
  private readonly client: FalClient;

  /** `options` may also be a bare fetch (the older signature). */
  constructor(credentials: string, options: FalProviderOptions | typeof fetch = {}) {
    const { fetch: fetchImpl, baseUrl } = typeof options === 'function' ? { fetch: options, baseUrl: undefined } : options;
    this.client = createFalClient({
      credentials,
      ...(fetchImpl && { fetch: fetchImpl }),
      ...(baseUrl && { requestMiddleware: async (request) => ({ ...request, url: rebaseFalUrl(request.url, baseUrl) }) }),
    });
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
    const byLora = input.loraUrl !== undefined;
    const byReferences = input.referenceUrls !== undefined;
    if (byLora === byReferences) throw new ProviderError('A generation needs exactly one of loraUrl (FLUX) and referenceUrls (Seedream edit)', false);
    if (byReferences && !input.referenceUrls!.length) throw new ProviderError('A generation from references needs at least one reference image', false);
    try {
      const queued = await this.client.queue.submit(input.endpoint, {
        input: {
          ...input.settings,
          prompt: input.prompt,
          ...(byLora ? { loras: [{ path: input.loraUrl, scale: input.loraScale ?? 1 }], output_format: 'png' } : { image_urls: [...input.referenceUrls!] }),
          num_images: input.count,
          seed: input.seed,
          image_size: { width: input.imageSize.width, height: input.imageSize.height },
          enable_safety_checker: true,
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
      // fal never reports FAILED: a request that failed is COMPLETED with its `error` (and `error_type`), and its result answers the error.
      if (status.status === 'COMPLETED' && record(status).error) return 'FAILED';
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
