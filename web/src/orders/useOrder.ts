import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { EDITABLE_STATUSES, isTerminal, type OrderStatus, type OrderView } from '../../../shared/orders';
import { ApiError, ErrorCodes } from '../api/client';
import { useApp } from '../app/context';
import { isPhotoPending } from '../photos/rows';

/** How often an order is re-read while it is still moving. */
export const POLL_INTERVAL_MS = 1_500;
/**
 * For admins: after the order reaches a final status its execution finishes a
 * moment later (the last task returns first); keep reading this many times at most.
 */
const SETTLE_POLLS = 20;

export type OrderState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'loaded'; readonly order: OrderView };

export const isEditable = (status: OrderStatus) => (EDITABLE_STATUSES as readonly OrderStatus[]).includes(status);

/**
 * Whether the page should read the order again: an editable order while any
 * photo awaits its verdict; any other order until it ends.
 */
export function keepsMoving(order: OrderView, now = Date.now()): boolean {
  if (isEditable(order.status)) return (order.photos ?? []).some((photo) => isPhotoPending(photo, now));
  // Review takes an artist hours, not seconds: the page stops reading there (delivery comes by e-mail).
  return !isTerminal(order.status) && order.status !== 'PENDING_REVIEW';
}

/**
 * One order, read now and again every {@link POLL_INTERVAL_MS} while it moves
 * (see {@link keepsMoving}); `refresh` reads it at once and starts following it again.
 */
export function useOrder(orderId: string): { state: OrderState; refresh(): void } {
  const app = useApp();
  const [state, setState] = useState<OrderState>({ kind: 'loading' });
  const poll = useRef<() => void>(() => undefined);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settlePolls = 0;
    let bannerFromPolling = false;
    let lastJson = '';
    let inFlight = false;
    let again = false;

    const keepReading = (order: OrderView) => {
      if (keepsMoving(order)) return true;
      // Admins see the execution, which stops a moment after the order's final status.
      if (isTerminal(order.status) && app.isAdmin && order.execution?.status === 'RUNNING' && settlePolls < SETTLE_POLLS) {
        settlePolls += 1;
        return true;
      }
      return false;
    };

    const read = async () => {
      clearTimeout(timer);
      if (inFlight) {
        // A refresh asked for while a read is on its way: read once more after it.
        again = true;
        return;
      }
      inFlight = true;
      try {
        const order = await app.api.getOrder(orderId, signal);
        if (signal.aborted) return;
        if (bannerFromPolling) {
          app.clearError();
          bannerFromPolling = false;
        }
        // Re-render only on change, so an open disclosure or a text selection survives polling.
        // Signed photo links change on every read; compare only whether each photo has one.
        const json = JSON.stringify(order, (key, value: unknown) => (key === 'url' ? Boolean(value) : value));
        if (json !== lastJson) {
          lastJson = json;
          setState({ kind: 'loaded', order });
        }
        if (again || keepReading(order)) timer = setTimeout(() => void read(), again ? 0 : POLL_INTERVAL_MS);
      } catch (failure) {
        if (signal.aborted) return;
        if (failure instanceof ApiError && (failure.is(ErrorCodes.ORDER_NOT_FOUND, 404) || failure.is(ErrorCodes.VALIDATION_FAILED, 400))) {
          setState({ kind: 'missing', message: failure.message });
          return;
        }
        app.handleError(failure);
        bannerFromPolling = true;
        if (!lastJson) setState({ kind: 'unavailable' });
        // Keep trying at a calmer pace: a blip in the network should not freeze the page.
        timer = setTimeout(() => void read(), POLL_INTERVAL_MS * 4);
      } finally {
        inFlight = false;
        again = false;
      }
    };
    poll.current = () => {
      settlePolls = 0;
      void read();
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
      poll.current = () => undefined;
    };
  }, [orderId]);

  const refresh = useCallback(() => poll.current(), []);
  return { state, refresh };
}
