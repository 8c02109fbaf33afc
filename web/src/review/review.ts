import type { ImageReview, ReviewImageView, ReviewSummary } from '../../../shared/api/review';
import { groupByStyle, type StyleGroup } from '../admin/generation/images';

/*
 * What the review console decides, as plain functions: where each image stands,
 * which images a filter shows and in what order, where the selection goes after
 * a key or a decision, and when the order may be delivered. The views in this
 * folder only lay these out.
 */

/** Where an image stands at the gate. Set aside: the identity lock did not keep it, so it is never delivered. */
export type ReviewState = 'undecided' | 'approved' | 'rejected' | 'set-aside';

export function reviewState(image: Pick<ReviewImageView, 'status' | 'review'>): ReviewState {
  if (image.status === 'REJECTED') return 'set-aside';
  if (image.review?.decision === 'approve') return 'approved';
  if (image.review?.decision === 'reject') return 'rejected';
  return 'undecided';
}

export type ReviewFilter = 'all' | ReviewState;

export const REVIEW_FILTERS: readonly { readonly id: ReviewFilter; readonly label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'undecided', label: 'Undecided' },
  { id: 'approved', label: 'Approved' },
  { id: 'rejected', label: 'Rejected' },
  { id: 'set-aside', label: 'Set aside by the lock' },
];

export function matchesFilter(image: Pick<ReviewImageView, 'status' | 'review'>, filter: ReviewFilter): boolean {
  return filter === 'all' || reviewState(image) === filter;
}

/** How many images each filter shows. */
export function reviewCounts(images: readonly Pick<ReviewImageView, 'status' | 'review'>[]): Record<ReviewFilter, number> {
  const counts: Record<ReviewFilter, number> = { all: images.length, undecided: 0, approved: 0, rejected: 0, 'set-aside': 0 };
  for (const image of images) counts[reviewState(image)] += 1;
  return counts;
}

/** The style groups the grid shows under a filter (styles left empty by it dropped), in display order. */
export function visibleGroups(images: readonly ReviewImageView[], filter: ReviewFilter): StyleGroup[] {
  return groupByStyle(images, [])
    .map((group) => ({ ...group, images: group.images.filter((image) => matchesFilter(image, filter)) }))
    .filter((group) => group.images.length > 0);
}

/** The images the grid shows, flat, in the order a person reads them (style by style). */
export function visibleOrder(images: readonly ReviewImageView[], filter: ReviewFilter): ReviewImageView[] {
  return visibleGroups(images, filter).flatMap((group) => group.images);
}

/**
 * The image `delta` places from `currentId` in `order` (clamped at both ends);
 * the first one when nothing is selected or the selection is not shown.
 */
export function stepSelection(order: readonly { readonly reviewImageId: string }[], currentId: string | undefined, delta: number): string | undefined {
  if (order.length === 0) return undefined;
  const at = order.findIndex((image) => image.reviewImageId === currentId);
  if (at === -1) return order[0]!.reviewImageId;
  return order[Math.min(order.length - 1, Math.max(0, at + delta))]!.reviewImageId;
}

/**
 * Where the selection goes after a decision: the next undecided image after
 * `currentId` in `order`, wrapping round to the first; undefined when none is
 * left to decide (the selection then stays).
 */
export function nextUndecided(order: readonly ReviewImageView[], currentId: string | undefined): string | undefined {
  const at = order.findIndex((image) => image.reviewImageId === currentId);
  const rotated = at === -1 ? order : [...order.slice(at + 1), ...order.slice(0, at + 1)];
  return rotated.find((image) => image.reviewImageId !== currentId && reviewState(image) === 'undecided')?.reviewImageId;
}

/** What a key press asks of the review page. */
export type ReviewKey = 'previous' | 'next' | 'approve' | 'reject';

/** Enough of a KeyboardEvent to map it (and to test the mapping without a DOM). */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
  /** The focused element's tag name, e.g. `INPUT`. */
  readonly targetTag?: string;
  readonly targetEditable?: boolean;
}

const KEYS: Readonly<Record<string, ReviewKey>> = {
  ArrowLeft: 'previous',
  k: 'previous',
  ArrowRight: 'next',
  j: 'next',
  a: 'approve',
  r: 'reject',
};

/**
 * The action of a key: ←/k and →/j move, `a` approves, `r` asks for a reason.
 * Nothing while someone types (in a field, or with a modifier held, so the
 * browser's own shortcuts keep working).
 */
export function reviewKey(event: KeyLike): ReviewKey | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey) return undefined;
  if (event.targetEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.targetTag ?? '')) return undefined;
  return Object.prototype.hasOwnProperty.call(KEYS, event.key) ? KEYS[event.key] : undefined;
}

/** The smallest reason the API accepts for a rejection. */
export const MIN_REASON = 3;

/** Whether a typed reason will be accepted (the API trims it, then wants at least 3 characters). */
export function validReason(reason: string): boolean {
  return reason.trim().length >= MIN_REASON;
}

/** The images with one image's review set (a decision on its way, the server's answer) or taken back (undefined). */
export function withReview(images: readonly ReviewImageView[], reviewImageId: string, review: ImageReview | undefined): ReviewImageView[] {
  return images.map((image) => {
    if (image.reviewImageId !== reviewImageId) return image;
    const { review: _dropped, ...rest } = image;
    return review ? { ...rest, review } : rest;
  });
}

/** Where the review stands: the counts of the kept images. */
export interface ReviewProgress {
  /** Images the lock kept: each needs a decision. */
  readonly toDecide: number;
  readonly decided: number;
  readonly approved: number;
  readonly rejected: number;
}

/** The progress the images show (what the page renders while a decision is on its way). */
export function progressOf(images: readonly Pick<ReviewImageView, 'status' | 'review'>[]): ReviewProgress {
  const counts = reviewCounts(images);
  return { toDecide: images.length - counts['set-aside'], decided: counts.approved + counts.rejected, approved: counts.approved, rejected: counts.rejected };
}

/** The progress of the server's summary. */
export function progressOfSummary(summary: Pick<ReviewSummary, 'toDecide' | 'approved' | 'rejected'>): ReviewProgress {
  return { toDecide: summary.toDecide, decided: summary.approved + summary.rejected, approved: summary.approved, rejected: summary.rejected };
}

/** Whether the order may be delivered: every kept image decided, and at least one approved. */
export function canDeliver(progress: ReviewProgress): boolean {
  return progress.toDecide > 0 && progress.decided >= progress.toDecide && progress.approved >= 1;
}

/** Why Deliver is not yet possible, in a sentence; undefined when it is. */
export function deliverBlocker(progress: ReviewProgress): string | undefined {
  if (progress.toDecide === 0) return 'The identity lock kept no image of this order: there is nothing to deliver.';
  const left = progress.toDecide - progress.decided;
  if (left > 0) return `Decide ${left === 1 ? 'the last image' : `the ${left} images left`} to deliver.`;
  if (progress.approved === 0) return 'Approve at least one image to deliver.';
  return undefined;
}

/** "7 of 10 decided · 6 approved · 1 rejected". */
export function progressText(progress: ReviewProgress): string {
  return `${progress.decided} of ${progress.toDecide} decided · ${progress.approved} approved · ${progress.rejected} rejected`;
}
