import { InvalidToken, SendTaskSuccessCommand, type SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { apiHandler } from '#lib/api-handler';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { deliverOrder } from '#shared/api/review';
import { isAdmin, orderNotFound, visibleReview } from './access';
import { ReviewConflictError, type Reviews, ReviewStore } from './review-store';

/**
 * POST /v1/admin/orders/{orderId}/deliver — once every kept image is decided
 * and at least one approved, takes the task token (once: a second delivery
 * answers 409) and resumes the delivery pipeline.
 */
export const deliverOrderHandler = ({ reviews, sfn }: { readonly reviews: Pick<Reviews, 'get' | 'claimDelivery' | 'restoreDelivery'>; readonly sfn: Pick<SFNClient, 'send'> }) =>
  apiHandler(deliverOrder, async ({ params: { orderId }, caller }) => {
    const review = visibleReview(caller, await reviews.get(orderId));
    if (!review) throw orderNotFound();
    if (review.status !== 'WAITING' || !review.taskToken) throw new ApiError('ORDER_NOT_IN_REVIEW', 'This order is not waiting for review: it was delivered already, or it ended.');
    const undecided = review.toDecide - review.approved - review.rejected;
    if (undecided > 0) throw new ApiError('REVIEW_INCOMPLETE', `${undecided} of ${review.toDecide} images have no decision yet; approve or reject each before delivering.`);
    if (review.approved === 0) throw new ApiError('NOTHING_APPROVED', 'No image is approved; approve at least one, or leave the order for an admin.');

    let token: string;
    try {
      token = await reviews.claimDelivery(orderId, review.version, caller.sub, { artist: !isAdmin(caller) });
    } catch (error) {
      if (!(error instanceof ReviewConflictError)) throw error;
      throw new ApiError('ORDER_NOT_IN_REVIEW', 'The order was delivered, reassigned or changed meanwhile; reload it.');
    }
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ deliveredBy: caller.sub, approved: review.approved, rejected: review.rejected }) }));
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) {
        throw new ApiError('ORDER_NOT_IN_REVIEW', 'The order stopped waiting for review (its time ran out).');
      }
      logger.error('Could not resume the delivery pipeline', { orderId, error: error as Error });
      await reviews
        .restoreDelivery(orderId, token)
        .catch((restoreError: Error) => logger.error('Could not put the task token back; the order needs an operator', { orderId, error: restoreError }));
      throw new ApiError('DELIVERY_NOT_RECORDED', 'The delivery could not be handed to the pipeline; nothing changed. Try again.');
    }
    metrics.addMetric('OrdersDelivered', MetricUnit.Count, 1);
    logger.info('Order delivered', { orderId, approved: review.approved, by: caller.sub });
    return { orderId, approved: review.approved, rejected: review.rejected };
  });

requireEnv('DeliveryPipeline');
export const handler = deliverOrderHandler({ reviews: new ReviewStore(ddb(), requireEnv('Table')), sfn: sfnClient() });
