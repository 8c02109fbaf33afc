import type { ReviewSummary } from '../../../shared/api/review';

/** Which orders the review queue lists: the caller's, those nobody took, or (admins) every one waiting. */
export type QueueTab = 'me' | 'unassigned' | 'all';

export const QUEUE_TABS: readonly { readonly id: QueueTab; readonly label: string; readonly adminOnly?: boolean }[] = [
  { id: 'me', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'all', label: 'All', adminOnly: true },
];

/** The tabs a person sees: artists may not list every order (the API answers 403). */
export function queueTabs(isAdmin: boolean): typeof QUEUE_TABS {
  return QUEUE_TABS.filter((tab) => isAdmin || !tab.adminOnly);
}

/** The tab a person starts on: an artist on the orders they took, an admin on every order waiting (as the API defaults). */
export function firstTab(isAdmin: boolean): QueueTab {
  return isAdmin ? 'all' : 'me';
}

/** How long an order has waited, as a person says it: "just now", "12 min", "3 h 5 min", "2 days". */
export function waitingFor(since: string, now: Date = new Date()): string {
  const ms = now.getTime() - Date.parse(since);
  if (!Number.isFinite(ms)) return '';
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** A row's progress: "4 of 10 decided · 3 approved". */
export function queueProgress(summary: Pick<ReviewSummary, 'toDecide' | 'approved' | 'rejected'>): string {
  return `${summary.approved + summary.rejected} of ${summary.toDecide} decided · ${summary.approved} approved`;
}

/** Whether the caller may take the order for themselves: nobody has it yet. */
export function canTake(summary: Pick<ReviewSummary, 'assignedTo'>): boolean {
  return !summary.assignedTo;
}

/** Whether the caller reviews the order now: it is theirs, or they are an admin (who may review any). */
export function canOpenReview(summary: Pick<ReviewSummary, 'assignedTo'>, me: string, isAdmin: boolean): boolean {
  return isAdmin || summary.assignedTo === me;
}

/** What an admin typed as the artist to assign: "me", or a user ID (trimmed); undefined when empty. */
export function artistChoice(typed: string): string | undefined {
  const value = typed.trim();
  if (!value) return undefined;
  return value.toLowerCase() === 'me' ? 'me' : value;
}
