import { statusLabel, statusTone } from './labels';

/** A coloured pill with an order or execution status; `data-status` carries the raw value. */
export function Badge({ status, testid, label }: { status: string; testid?: string; label?: string }) {
  return (
    <span class={`badge badge-${statusTone(status)}`} data-testid={testid} data-status={status}>
      {label ?? statusLabel(status)}
    </span>
  );
}
