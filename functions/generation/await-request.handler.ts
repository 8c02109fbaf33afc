import type { SFNClient } from '@aws-sdk/client-sfn';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { type ProviderRequests, RequestStore } from './request-store';
import { resumeStep, stateOfOutcome } from './resume';

/**
 * Called with `.waitForTaskToken`: stores the token on the provider request,
 * where the webhook finds it. If the webhook (or a poll) recorded the outcome
 * first, the step is resumed here at once: between the two, whichever writes
 * second sees both the token and the outcome.
 */
export const awaitRequestHandler = ({ requests, sfn }: { readonly requests: Pick<ProviderRequests, 'attachToken'>; readonly sfn: Pick<SFNClient, 'send'> }) =>
  taskHandler<{ requestId: string; taskToken: string }, { requestId: string; waiting: boolean }>(async ({ requestId, taskToken }) => {
    if (!taskToken) throw new Error('AwaitProviderRequest was called without a task token');
    const record = await requests.attachToken(requestId, taskToken);
    if (!record) throw new Error(`Provider request ${requestId} is not recorded`);
    if (record.outcome) {
      await resumeStep(sfn, taskToken, { state: stateOfOutcome(record.outcome) });
      logger.info('Provider request had finished already', { requestId, outcome: record.outcome });
      return { requestId, waiting: false };
    }
    return { requestId, waiting: true };
  });

// The tokens it resumes are this state machine's.
requireEnv('GenerationPipeline');
export const handler = awaitRequestHandler({ requests: new RequestStore(ddb(), requireEnv('Table')), sfn: sfnClient() });
