import type { Caller } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import type { ReviewRecord } from './review-store';

/** Admins review any order; everyone else on a review route is an artist, held to the orders assigned to them. */
export const isAdmin = (caller: Pick<Caller, 'groups'>): boolean => caller.groups.includes('admins');

/**
 * The review an artist may see: their own. Someone else's (or none) answers
 * 404 like a missing order, so order IDs cannot be probed through the gate.
 */
export function visibleReview(caller: Pick<Caller, 'sub' | 'groups'>, review: ReviewRecord | undefined): ReviewRecord | undefined {
  if (isAdmin(caller)) return review;
  return review?.assignedTo === caller.sub ? review : undefined;
}

export function orderNotFound(): ApiError {
  return new ApiError('ORDER_NOT_FOUND', 'No such order in review for you: it does not exist, or it is assigned to another artist.');
}
