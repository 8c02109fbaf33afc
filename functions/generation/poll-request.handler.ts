import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { ProviderUnavailable } from './errors';
import { ProviderError, type RequestState } from './provider';
import { providerSource, type ProviderSource, secretsManagerProviderAccount } from './provider-account';
import { type ProviderRequests, RequestStore } from './request-store';

/**
 * The fallback for a lost webhook: the waiting step timed out, so the
 * provider's queue is asked. A finished request's outcome is recorded (a late
 * webhook is then a duplicate); one still queued or running sends the step
 * back to wait.
 */
export const pollRequestHandler = ({ requests, provider }: { readonly requests: Pick<ProviderRequests, 'recordOutcome'>; readonly provider: ProviderSource }) =>
  taskHandler<{ requestId: string; endpoint: string }, { state: RequestState }>(async ({ requestId, endpoint }) => {
    let state: RequestState;
    try {
      state = await (await provider()).state({ requestId, endpoint });
    } catch (error) {
      if (error instanceof ProviderError && error.retryable) throw new ProviderUnavailable(error.message);
      throw error;
    }
    if (state === 'COMPLETED' || state === 'FAILED') {
      const { first } = await requests.recordOutcome(requestId, state === 'COMPLETED' ? 'OK' : 'ERROR', 'poll');
      if (first) {
        metrics.addMetric('WebhooksMissed', 'Count', 1);
        logger.warn('Provider request finished without its webhook', { requestId, state });
      }
    }
    return { state };
  });

export const handler = pollRequestHandler({
  requests: new RequestStore(ddb(), requireEnv('Table')),
  provider: providerSource(secretsManagerProviderAccount(requireEnv('FalSecret'))),
});
