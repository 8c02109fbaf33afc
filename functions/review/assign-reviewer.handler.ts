import { UserDirectory } from '#functions/accounts/user-directory';
import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { assignReviewer } from '#shared/api/review';
import { isAdmin } from './access';
import { ReviewConflictError, type Reviews, ReviewStore, toSummary } from './review-store';

/**
 * PUT /v1/admin/orders/{orderId}/assignment — admins assign any artist (or
 * reassign); an artist takes an unassigned order for themselves ("me").
 */
export const assignReviewerHandler = ({ reviews, directory }: { readonly reviews: Pick<Reviews, 'get' | 'assign'>; readonly directory: Pick<UserDirectory, 'profile' | 'groups'> }) =>
  apiHandler(assignReviewer, async ({ params: { orderId }, body, caller }) => {
    const admin = isAdmin(caller);
    const artistId = body.artistId === 'me' ? caller.sub : body.artistId;
    if (!admin && artistId !== caller.sub) throw new ApiError('NOT_AN_ARTIST', 'An artist can take an order for themselves only ("artistId": "me"); an admin assigns others.');
    const review = await reviews.get(orderId);
    if (!review) throw new ApiError('ORDER_NOT_FOUND', 'No such order in review.');
    const groups = artistId === caller.sub ? caller.groups : await directory.groups(artistId);
    if (!groups?.includes('artists')) throw new ApiError('NOT_AN_ARTIST', 'That person is not in the artists group.');
    const email = (await directory.profile(artistId))?.email;
    try {
      const assigned = await reviews.assign(orderId, { sub: artistId, ...(email && { email }) }, caller.sub, !admin);
      logger.info('Reviewer assigned', { orderId, artistId, by: caller.sub });
      return toSummary(assigned);
    } catch (error) {
      if (!(error instanceof ReviewConflictError)) throw error;
      if (error.reason === 'ALREADY_ASSIGNED') throw new ApiError('ALREADY_ASSIGNED', 'Another artist reviews this order; an admin can reassign it.');
      throw new ApiError('ORDER_NOT_IN_REVIEW', 'This order is not waiting for review any more.');
    }
  });

export const handler = assignReviewerHandler({
  reviews: new ReviewStore(ddb(), requireEnv('Table')),
  directory: new UserDirectory(cognitoClient(), requireEnv('UserPool')),
});
