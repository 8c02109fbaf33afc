import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { decodeCursor, encodeCursor } from '#lib/cursor';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { pageSize } from '#shared/api/paging';
import { listReviews } from '#shared/api/review';
import { isAdmin } from './access';
import { type Reviews, ReviewStore, toSummary, WAITING_PARTITION } from './review-store';

/**
 * GET /v1/admin/reviews?assigned=me|unassigned|all — the orders waiting for
 * review, oldest first. Artists see their own and the unassigned ones (to
 * pick from); only admins see every order.
 */
export const listReviewsHandler = ({ reviews }: { readonly reviews: Pick<Reviews, 'listWaiting'> }) =>
  apiHandler(listReviews, async ({ query, caller }) => {
    const assigned = query.assigned ?? (isAdmin(caller) ? 'all' : 'me');
    if (assigned === 'all' && !isAdmin(caller)) throw new ApiError('FORBIDDEN', 'Only admins list every order in review; artists list their own (assigned=me) or the unassigned ones.');
    const startKey = decodeCursor(query.cursor, { attributes: ['pk', 'sk', 'gsi2pk', 'gsi2sk'], partition: { gsi2pk: WAITING_PARTITION } });
    const page = await reviews.listWaiting({
      limit: pageSize(query.limit),
      startKey,
      assignedTo: assigned === 'me' ? caller.sub : assigned === 'unassigned' ? null : undefined,
    });
    return { reviews: page.items.map(toSummary), nextCursor: encodeCursor(page.lastKey) };
  });

export const handler = listReviewsHandler({ reviews: new ReviewStore(ddb(), requireEnv('Table')) });
