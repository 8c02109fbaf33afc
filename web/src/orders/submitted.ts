/** Orders this tab just submitted, so their page can say so while they wait for an editor. */
const justSubmitted = new Set<string>();

export function markSubmitted(orderId: string): void {
  justSubmitted.add(orderId);
}

export function wasJustSubmitted(orderId: string): boolean {
  return justSubmitted.has(orderId);
}
