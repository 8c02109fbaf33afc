import type { CreateOrderInput } from '../../../shared/orders';

/**
 * The order a visitor chose before signing in: kept in sessionStorage (this
 * tab only) while they sign in, then placed by the start page.
 */
const KEY = 'headshot-studio.pending-order';

export function savePendingOrder(input: CreateOrderInput): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(input));
  } catch {
    // Storage full or blocked: the start page then sends the person back to choose again.
  }
}

/** The pending order for this studio, removed from storage as it is read. */
export function takePendingOrder(studioId: string): CreateOrderInput | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    const input = raw ? (JSON.parse(raw) as CreateOrderInput) : undefined;
    return input?.studioId === studioId && Array.isArray(input.styleIds) ? input : undefined;
  } catch {
    return undefined;
  }
}
