import { ReviewConflictError, type ReviewRecord, type Reviews } from '#functions/review/review-store';
import type { ImageReview, ReviewDecisionInput } from '#shared/api/review';

/**
 * The review gate in memory, with the behaviour the DynamoDB store shows in
 * test/stores/review-delivery-stores.test.ts: decisions only while waiting, on
 * kept images, by the assigned artist; the token handed out once, against the
 * version read.
 */
export class FakeReviewStore implements Reviews {
  readonly records = new Map<string, ReviewRecord>();
  /** Images by `<orderId>/<imageId>`: the lock's status and the decision. */
  readonly images = new Map<string, { status: 'KEPT' | 'REJECTED'; review?: ImageReview }>();

  seed(record: Partial<ReviewRecord> & { orderId: string }, images: Record<string, 'KEPT' | 'REJECTED'> = {}): this {
    this.records.set(record.orderId, { customerId: 'customer', status: 'WAITING', waitingSince: '2030-01-02T00:00:00.000Z', toDecide: 0, approved: 0, rejected: 0, version: 0, taskToken: 'token', ...record });
    for (const [imageId, status] of Object.entries(images)) this.images.set(`${record.orderId}/${imageId}`, { status });
    return this;
  }

  async open(review: { orderId: string; customerId: string; toDecide: number; taskToken: string }): Promise<ReviewRecord> {
    const current = this.records.get(review.orderId);
    if (current && current.status !== 'WAITING') throw new ReviewConflictError('NOT_IN_REVIEW', 'closed');
    const next: ReviewRecord = current
      ? { ...current, taskToken: review.taskToken, toDecide: review.toDecide }
      : { orderId: review.orderId, customerId: review.customerId, status: 'WAITING', waitingSince: new Date().toISOString(), toDecide: review.toDecide, approved: 0, rejected: 0, version: 0, taskToken: review.taskToken };
    this.records.set(review.orderId, next);
    return next;
  }

  async get(orderId: string): Promise<ReviewRecord | undefined> {
    return this.records.get(orderId);
  }

  async listWaiting(page: { limit: number; assignedTo?: string | null }): Promise<{ items: ReviewRecord[] }> {
    const items = [...this.records.values()]
      .filter((r) => r.status === 'WAITING')
      .filter((r) => (page.assignedTo === null ? r.assignedTo === undefined : page.assignedTo === undefined || r.assignedTo === page.assignedTo))
      .sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
    return { items: items.slice(0, page.limit) };
  }

  async assign(orderId: string, artist: { sub: string; email?: string }, by: string, onlyIfFree: boolean): Promise<ReviewRecord> {
    const current = this.records.get(orderId);
    if (!current || current.status !== 'WAITING') throw new ReviewConflictError('NOT_IN_REVIEW', 'not waiting');
    if (onlyIfFree && current.assignedTo && current.assignedTo !== artist.sub) throw new ReviewConflictError('ALREADY_ASSIGNED', 'taken');
    const { assignedEmail: _email, ...rest } = current;
    const next: ReviewRecord = { ...rest, assignedTo: artist.sub, ...(artist.email && { assignedEmail: artist.email }), assignedBy: by, assignedAt: '2030-01-02T01:00:00.000Z', version: current.version + 1 };
    this.records.set(orderId, next);
    return next;
  }

  async decide(orderId: string, imageId: string, decision: ReviewDecisionInput, by: string, options: { artist?: boolean } = {}): Promise<{ review: ImageReview; summary: ReviewRecord }> {
    const record = this.records.get(orderId);
    const image = this.images.get(`${orderId}/${imageId}`);
    if (!record || !image || (options.artist && record.assignedTo !== by)) throw new ReviewConflictError('IMAGE_NOT_FOUND', 'no image');
    if (record.status !== 'WAITING') throw new ReviewConflictError('NOT_IN_REVIEW', 'not waiting');
    if (image.status !== 'KEPT') throw new ReviewConflictError('IMAGE_SET_ASIDE', 'set aside');
    const review: ImageReview = { decision: decision.decision, ...(decision.decision === 'reject' && { reason: decision.reason }), by, at: '2030-01-02T02:00:00.000Z' };
    const previous = image.review?.decision;
    const delta = (d: 'approve' | 'reject') => (decision.decision === d ? 1 : 0) - (previous === d ? 1 : 0);
    image.review = review;
    const summary = { ...record, approved: record.approved + delta('approve'), rejected: record.rejected + delta('reject'), version: record.version + 1 };
    this.records.set(orderId, summary);
    return { review, summary };
  }

  async claimDelivery(orderId: string, version: number, by: string, options: { artist?: boolean } = {}): Promise<string> {
    const record = this.records.get(orderId);
    if (!record || record.status !== 'WAITING' || record.version !== version || !record.taskToken || (options.artist && record.assignedTo !== by)) {
      throw new ReviewConflictError('CHANGED', 'changed');
    }
    const { taskToken, ...rest } = record;
    this.records.set(orderId, { ...rest, status: 'DELIVERING', deliveredBy: by });
    return taskToken;
  }

  async restoreDelivery(orderId: string, taskToken: string): Promise<void> {
    const record = this.records.get(orderId)!;
    const { deliveredBy: _by, ...rest } = record;
    this.records.set(orderId, { ...rest, status: 'WAITING', taskToken });
  }

  async markDelivered(orderId: string): Promise<void> {
    const record = this.records.get(orderId)!;
    this.records.set(orderId, { ...record, status: 'DELIVERED' });
  }

  async close(orderId: string): Promise<void> {
    const record = this.records.get(orderId);
    if (!record || record.status === 'DELIVERED') return;
    const { taskToken: _token, ...rest } = record;
    this.records.set(orderId, { ...rest, status: 'CLOSED' });
  }
}
