import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { metrics, MetricUnit } from '#lib/powertools';
import { parseReviewImageId, reviewImage, reviewImageId } from '#shared/api/review';
import { isAdmin } from './access';
import { ReviewConflictError, type Reviews, ReviewStore, toSummary } from './review-store';

/**
 * POST /v1/admin/images/{imageId}/review — approve or reject one image of an
 * order waiting for review. Artists decide on the orders assigned to them.
 */
export const reviewImageHandler = ({ reviews }: { readonly reviews: Pick<Reviews, 'decide'> }) =>
  apiHandler(reviewImage, async ({ params, body, caller }) => {
    const id = parseReviewImageId(params.imageId)!;
    try {
      const { review, summary } = await reviews.decide(id.orderId, id.imageId, body, caller.sub, { artist: !isAdmin(caller) });
      metrics.addDimension('decision', body.decision);
      metrics.addMetric('ImagesReviewed', MetricUnit.Count, 1);
      return { reviewImageId: reviewImageId(id.orderId, id.imageId), review, summary: toSummary(summary) };
    } catch (error) {
      if (!(error instanceof ReviewConflictError)) throw error;
      switch (error.reason) {
        case 'IMAGE_NOT_FOUND':
          throw new ApiError('IMAGE_NOT_FOUND', 'No such image in an order you review.');
        case 'IMAGE_SET_ASIDE':
          throw new ApiError('IMAGE_SET_ASIDE', 'The identity lock set this image aside (it did not look like the customer); it cannot be approved.');
        case 'NOT_IN_REVIEW':
        case 'CHANGED':
        case 'ALREADY_ASSIGNED':
          throw new ApiError('ORDER_NOT_IN_REVIEW', 'This order is not waiting for review any more (delivered, reassigned or ended).');
      }
    }
  });

export const handler = reviewImageHandler({ reviews: new ReviewStore(ddb(), requireEnv('Table')) });
