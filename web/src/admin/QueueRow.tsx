import { useEffect, useRef, useState } from 'preact/hooks';
import { decisionSchema, type Decision, type OrderView } from '../../../shared/orders';
import { ApiError, ErrorCodes } from '../api/client';
import { useApp } from '../app/context';
import { Badge } from '../ui/Badge';
import { formatDateTime, shortId } from '../ui/format';
import { credits } from '../ui/labels';
import { Spinner } from '../ui/Spinner';
import { StyleChips } from '../ui/Swatch';

const COLUMNS = 5;

interface QueueRowProps {
  readonly order: OrderView;
  /** The row is being worked in (form open or decision on its way), or no longer. */
  onHold(held: boolean): void;
  /** Reloads the queue; `gone` when the decision was accepted and the row should not come back. */
  onDecided(gone: boolean): Promise<void>;
}

/** One order: its row, and under it a full-width row for the rejection form and decision errors. */
export function QueueRow({ order, onHold, onDecided }: QueueRowProps) {
  const app = useApp();
  const id = order.orderId;
  const waiting = order.status === 'PENDING_EDITOR_CONFIRMATION';
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [rowError, setRowError] = useState<string>();
  const [busy, setBusy] = useState<'confirm' | 'reject'>();
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => onHold(rejecting || busy !== undefined), [rejecting, busy]);
  useEffect(() => () => onHold(false), []);

  const openReject = (open: boolean) => {
    setRejecting(open);
    if (!open) setRowError(undefined);
    else queueMicrotask(() => reasonRef.current?.focus());
  };

  const decide = async (decision: Decision) => {
    setRowError(undefined);
    setBusy(decision.decision);
    try {
      await app.api.decide(id, decision);
      app.notify(decision.decision === 'confirm' ? `Order ${shortId(id)} confirmed. Its pipeline is running.` : `Order ${shortId(id)} rejected. The customer will see your reason.`);
      await onDecided(true);
    } catch (failure) {
      setBusy(undefined);
      if (failure instanceof ApiError && failure.is(ErrorCodes.ORDER_NOT_FOUND, 404)) {
        app.showError(`Order ${shortId(id)} no longer exists, so there is nothing to decide. The queue now shows what is left.`);
        await onDecided(true);
      } else if (failure instanceof ApiError && failure.is(ErrorCodes.ORDER_NOT_WAITING, 409)) {
        // Someone else decided first, or the order expired: say so, then show the queue as it is now.
        app.showError(failure.message);
        await onDecided(false);
      } else if (failure instanceof ApiError && failure.is(ErrorCodes.VALIDATION_FAILED, 400)) {
        setRowError(failure.message);
      } else {
        app.handleError(failure);
      }
    }
  };

  const submitReject = (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = decisionSchema.safeParse({ decision: 'reject', reason });
    if (!parsed.success) {
      setRowError(parsed.error.issues.map((issue) => issue.message).join(' '));
      reasonRef.current?.focus();
      return;
    }
    void decide(parsed.data);
  };

  return (
    <>
      <tr class="queue-row" data-testid={`queue-row-${id}`} data-order-id={id}>
        <td data-label="Order">
          <a href={`#/orders/${id}`} class="order-link">
            <strong>{shortId(id)}</strong>
          </a>
          <time class="muted block" dateTime={order.createdAt}>
            {formatDateTime(order.createdAt)}
          </time>
          <div class="queue-status">
            <Badge status={order.status} />
          </div>
          {order.failureReason && <p class="field-hint">{order.failureReason}</p>}
        </td>
        <td data-label="Customer">{order.customerEmail ?? <span class="muted">unknown</span>}</td>
        <td data-label="Styles">
          <p class="queue-studio">{order.studioName}</p>
          <StyleChips styles={order.styleDetails} />
          <p class="field-hint">
            {order.photoCount === 1 ? '1 photo' : `${order.photoCount} photos`} · {credits(order.credits)}
          </p>
        </td>
        <td data-label="Note" class="note">
          {order.note ?? <span class="muted">—</span>}
        </td>
        <td class="actions">
          {waiting ? (
            <div class="action-buttons">
              <button
                type="button"
                class="button button-primary button-small"
                data-testid={`confirm-${id}`}
                disabled={busy !== undefined}
                aria-busy={busy === 'confirm' || undefined}
                aria-label={`Confirm order ${shortId(id)}`}
                onClick={() => void decide({ decision: 'confirm' })}
              >
                {busy === 'confirm' && <Spinner />}
                {busy === 'confirm' ? 'Confirming…' : 'Confirm'}
              </button>
              <button
                type="button"
                class="button button-danger-quiet button-small"
                data-testid={`reject-${id}`}
                disabled={busy !== undefined}
                aria-expanded={rejecting}
                aria-controls={`reject-form-${id}`}
                aria-label={`Reject order ${shortId(id)}…`}
                onClick={() => openReject(!rejecting)}
              >
                Reject…
              </button>
            </div>
          ) : (
            <a href={`#/orders/${id}`} class="button button-quiet button-small" aria-label={`View order ${shortId(id)}`}>
              View
            </a>
          )}
        </td>
      </tr>
      <tr class="queue-extra" hidden={!rejecting && !rowError}>
        <td colSpan={COLUMNS}>
          <form class="reject-form" id={`reject-form-${id}`} hidden={!rejecting} noValidate onSubmit={submitReject}>
            <label for={`reject-reason-${id}`}>
              Reason for the customer <span class="field-hint">required, shown to them as written</span>
            </label>
            <div class="reject-form-row">
              <textarea
                ref={reasonRef}
                id={`reject-reason-${id}`}
                rows={2}
                maxLength={500}
                data-testid={`reject-reason-${id}`}
                placeholder="e.g. The selfies are too dark to train on."
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
              <div class="form-actions">
                <button type="submit" class="button button-danger button-small" data-testid={`reject-submit-${id}`} disabled={busy !== undefined}>
                  {busy === 'reject' && <Spinner />}
                  {busy === 'reject' ? 'Rejecting…' : 'Reject order'}
                </button>
                <button type="button" class="button button-quiet button-small" onClick={() => openReject(false)}>
                  Cancel
                </button>
              </div>
            </div>
          </form>
          {rowError && (
            <p class="form-error" role="alert" data-testid={`decision-error-${id}`}>
              {rowError}
            </p>
          )}
        </td>
      </tr>
    </>
  );
}
