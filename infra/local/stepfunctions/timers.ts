/**
 * Node fires a setTimeout whose delay exceeds 2^31-1 ms (about 24.8 days) after 1 ms instead
 * (TimeoutOverflowWarning). Step Functions waits far longer (a Task's TimeoutSeconds, a Wait, an
 * execution may last up to a year), so every deadline here is an absolute time reached by a
 * chain of timers, each at most `limitMs` long.
 */
export const NODE_TIMER_LIMIT_MS = 2 ** 31 - 1;

/** A pending deadline; `cancel` stops it. */
export interface Deadline {
  cancel(): void;
}

/** Calls `fire` once `Date.now()` reaches `at` (epoch ms), however far away that is. */
export function atTime(at: number, fire: () => void, limitMs = NODE_TIMER_LIMIT_MS): Deadline {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const left = at - Date.now();
    if (left <= 0) {
      cancelled = true;
      fire();
      return;
    }
    handle = setTimeout(arm, Math.min(left, limitMs));
    (handle as { unref?: () => void }).unref?.();
  };
  // Always asynchronous, also for a deadline already past: callers finish their bookkeeping first.
  handle = setTimeout(arm, 0);
  (handle as { unref?: () => void }).unref?.();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(handle);
    },
  };
}
