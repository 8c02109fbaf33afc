import type { LedgerEntryView } from '../../../shared/wallets';

/** A short form of a long reference (an order ID, a Stripe session): its last characters. */
const short = (reference: string) => (reference.length > 12 ? `…${reference.slice(-8)}` : reference);

/** What a ledger entry was, in words a person reads in a wallet's history. */
export function entryLabel(entry: LedgerEntryView): string {
  switch (entry.type) {
    case 'grant':
      return entry.reference === 'signup' ? 'Welcome credits' : 'Free credits';
    case 'purchase':
      return entry.reference ? `Bought credits (payment ${short(entry.reference)})` : 'Bought credits';
    case 'reserve':
      return entry.reference ? `Held for order ${short(entry.reference)}` : 'Held for an order';
    case 'consume':
      return entry.reference ? `Spent on order ${short(entry.reference)}` : 'Spent on an order';
    case 'release':
      return entry.reference ? `Given back by order ${short(entry.reference)}` : 'Given back by an order';
    case 'refund':
      return 'Refunded';
    case 'adjustment':
      return entry.reason ? `Adjusted by the studio: ${entry.reason}` : 'Adjusted by the studio';
  }
}
