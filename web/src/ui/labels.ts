import type { OrderStatus } from '../../../shared/orders';
import type { PhotoStatus } from '../../../shared/photos';

/** What each order status reads as on screen. */
export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  DRAFT: 'Draft',
  VALIDATING: 'Checking photos',
  NEEDS_NEW_PHOTOS: 'Needs new photos',
  SUBMITTED: 'Submitted',
  PENDING_EDITOR_CONFIRMATION: 'Awaiting confirmation',
  CONFIRMED: 'Confirmed',
  TRAINING: 'Learning your face',
  GENERATING: 'Generating',
  PENDING_REVIEW: 'In review',
  DELIVERED: 'Delivered',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  FAILED: 'Failed',
  DISCARDED: 'Discarded',
};

/** What each status means for the customer, in a sentence or two. */
export const STATUS_EXPLANATIONS: Readonly<Record<OrderStatus, string>> = {
  DRAFT: 'Add your selfies, then submit the order to the studio.',
  VALIDATING: 'We are checking your photos before the order goes to a studio editor. This page updates by itself.',
  NEEDS_NEW_PHOTOS: 'The studio needs more usable photos before it can take this order.',
  SUBMITTED: 'We received your order and are passing it to a studio editor. This page updates by itself.',
  PENDING_EDITOR_CONFIRMATION: 'Nothing is charged until a studio editor confirms the order. This page updates by itself; you can also close it and come back later.',
  CONFIRMED: 'A studio editor confirmed your order. Your headshots are planned and on their way.',
  TRAINING: 'Our model is learning your face from your selfies. This takes a few minutes; this page updates by itself.',
  GENERATING: 'Your headshots are being made, pose by pose. Each one is checked to look like you before it is kept.',
  PENDING_REVIEW: 'Your headshots are made. A studio artist is reviewing them before they are delivered to you.',
  DELIVERED: 'Your headshots are ready. Open the gallery to see them, download them one by one, or download them all as a ZIP.',
  REJECTED: 'A studio editor could not accept this order. You were not charged.',
  EXPIRED: 'Nobody confirmed the order in time, so it was closed. You were not charged.',
  FAILED: 'Something went wrong on our side while preparing the order. Our team has been alerted.',
  DISCARDED: 'You discarded this order before sending it to the studio. Its selfies are deleted and nothing was charged.',
};

/** What each photo status reads as on its badge. */
export const PHOTO_STATUS_LABELS: Readonly<Record<PhotoStatus, string>> = {
  UPLOADING: 'Uploading',
  VALIDATING: 'Checking',
  ACCEPTED: 'Accepted',
  REJECTED: 'Not usable',
  DUPLICATE: 'Duplicate',
};

export type Tone = 'progress' | 'success' | 'danger' | 'neutral';

/** Colour family of a status badge: in progress, done, or ended badly. */
export function statusTone(status: string): Tone {
  switch (status) {
    case 'VALIDATING':
    case 'UPLOADING':
    case 'SUBMITTED':
    case 'PENDING_EDITOR_CONFIRMATION':
    case 'TRAINING':
    case 'GENERATING':
    case 'PENDING_REVIEW':
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return 'progress';
    case 'CONFIRMED':
    case 'DELIVERED':
    case 'SUCCEEDED':
    case 'ACCEPTED':
      return 'success';
    case 'NEEDS_NEW_PHOTOS':
    case 'REJECTED':
    case 'DUPLICATE':
    case 'EXPIRED':
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** Step Functions execution statuses, as a person reads them. */
export function executionLabel(status: string): string {
  const words = status.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as OrderStatus] ?? executionLabel(status);
}

export function photoStatusLabel(status: PhotoStatus): string {
  return PHOTO_STATUS_LABELS[status];
}

/** "1 credit", "12 credits". */
export function credits(count: number): string {
  return `${count.toLocaleString('en')} credit${count === 1 ? '' : 's'}`;
}
