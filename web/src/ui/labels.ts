import type { OrderStatus } from '../../shared/orders';
import { styleById } from '../../shared/styles';

/** What each order status reads as on screen. */
export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  SUBMITTED: 'Submitted',
  PENDING_EDITOR_CONFIRMATION: 'Awaiting confirmation',
  CONFIRMED: 'Confirmed',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  FAILED: 'Failed',
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
