import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { OrderConflictError, type Orders, OrderStore } from '#functions/orders/order-store';
import { ProviderFailedRepeatedly, ProviderUnavailable } from './errors';
import { MAX_PROVIDER_CALLS, type QueuedStep, trainingHolder } from './job';
import { ProviderError, type RequestState } from './provider';
import { providerSource, type ProviderSource, secretsManagerProviderAccount } from './provider-account';
import { ProviderLimits } from './provider-limits';
import { type ProviderRequests, RequestStore } from './request-store';

/**
 * The training finished: its LoRA's URL is kept and the order moves to
 * GENERATING. A failed training gives its slot back and is queued again, up
 * to {@link MAX_PROVIDER_CALLS} calls, then the order fails.
 */
export const collectTrainingHandler = ({
  orders,
  requests,
  limits,
  provider,
}: {
  readonly orders: Pick<Orders, 'transition' | 'get'>;
  readonly requests: Pick<ProviderRequests, 'countFailure'>;
  readonly limits: Pick<ProviderLimits, 'release'>;
  readonly provider: ProviderSource;
}) =>
  taskHandler<{ orderId: string; request: QueuedStep; state: RequestState }, { loraUrl: string | null; retry: boolean }>(async ({ orderId, request, state }) => {
    const holder = trainingHolder(orderId);
    if (state === 'FAILED') {
      await limits.release(holder);
      const failures = await requests.countFailure(holder);
      logger.warn('Training failed at the provider', { orderId, requestId: request.requestId, failures });
      if (failures >= MAX_PROVIDER_CALLS) throw new ProviderFailedRepeatedly(`The training failed ${failures} times at the provider`);
      return { loraUrl: null, retry: true };
    }
    let loraUrl: string;
    try {
      ({ loraUrl } = await (await provider()).trainingResult(request));
    } catch (error) {
      if (error instanceof ProviderError && error.retryable) throw new ProviderUnavailable(error.message);
      throw error;
    }
    await limits.release(holder);
    try {
      await orders.transition(orderId, ['TRAINING'], 'GENERATING', { detail: 'Your model is trained; making your headshots' });
    } catch (error) {
      // A retry after the move finds the order generating already.
      if (!(error instanceof OrderConflictError) || (await orders.get(orderId))?.status !== 'GENERATING') throw error;
    }
    return { loraUrl, retry: false };
  });

export const handler = collectTrainingHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  requests: new RequestStore(ddb(), requireEnv('Table')),
  limits: new ProviderLimits(ddb(), requireEnv('Table'), 'fal'),
  provider: providerSource(secretsManagerProviderAccount(requireEnv('FalSecret'))),
});
