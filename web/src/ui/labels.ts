import type { OrderStatus } from '../../../shared/orders';
import { styleById } from '../../../shared/styles';

/** What each order status reads as on screen. */
export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  SUBMITTED: 'Submitted',
  PENDING_EDITOR_CONFIRMATION: 'Awaiting confirmation',
  CONFIRMED: 'Confirmed',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  FAILED: 'Failed',
};

/** What each status means for the customer, in a sentence or two. */
export const STATUS_EXPLANATIONS: Readonly<Record<OrderStatus, string>> = {
  SUBMITTED: 'We received your order and are passing it to a studio editor. This page updates by itself.',
  PENDING_EDITOR_CONFIRMATION: 'Nothing is charged until a studio editor confirms the order. This page updates by itself; you can also close it and come back later.',
  CONFIRMED: 'A studio editor confirmed your order. Your headshots are planned and on their way.',
  REJECTED: 'A studio editor could not accept this order. You were not charged.',
  EXPIRED: 'Nobody confirmed the order in time, so it was closed. You were not charged.',
  FAILED: 'Something went wrong on our side while preparing the order. Our team has been alerted.',
};

/** Colour family of a status badge: in progress, done, or ended badly. */
export function statusTone(status: string): 'progress' | 'success' | 'danger' | 'neutral' {
  switch (status) {
    case 'SUBMITTED':
    case 'PENDING_EDITOR_CONFIRMATION':
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return 'progress';
    case 'CONFIRMED':
    case 'SUCCEEDED':
      return 'success';
    case 'REJECTED':
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

export function styleName(styleId: string): string {
  return styleById(styleId)?.name ?? styleId;
}
