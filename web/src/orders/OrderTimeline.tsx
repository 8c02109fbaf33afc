import type { OrderStatus, OrderView } from '../../../shared/orders';
import { formatDateTime } from '../ui/format';
import { statusLabel } from '../ui/labels';
import { timelineSteps, type StepState } from './timeline';

/** What a step means, by whether it is behind, at or ahead of the order. Where an order stopped is explained beside the timeline. */
const STEP_TEXT: Readonly<Partial<Record<OrderStatus, Partial<Record<StepState, string>>>>> = {
  SUBMITTED: { done: 'We received your order.', current: 'Sending your order to the studio…' },
  PENDING_EDITOR_CONFIRMATION: {
    done: 'A studio editor reviewed the order.',
    current: 'A studio editor checks every order before any images are made.',
    upcoming: 'A studio editor checks the order.',
  },
  CONFIRMED: { done: 'Confirmed: your images are planned.', current: 'Confirmed: your images are planned.', upcoming: 'Images are planned once confirmed.' },
  TRAINING: {
    done: 'Our model learned your face.',
    current: 'Our model is learning your face from your selfies. This takes a few minutes.',
    upcoming: 'Our model learns your face from your selfies.',
  },
  GENERATING: {
    done: 'Your headshots were made and checked.',
    current: 'Making your headshots, pose by pose; each is checked to look like you.',
    upcoming: 'Your headshots are made, pose by pose.',
  },
  PENDING_REVIEW: {
    done: 'A studio artist reviewed every headshot.',
    current: 'A studio artist reviews every headshot before it is delivered to you.',
    upcoming: 'A studio artist reviews them before delivery.',
  },
  DELIVERED: {
    done: 'Your headshots are ready in your gallery.',
    upcoming: 'Your headshots arrive in your gallery.',
  },
};

const STATE_TEXT: Readonly<Record<StepState, string>> = {
  done: 'done',
  current: 'current step',
  upcoming: 'still to come',
  ended: 'the order stopped here',
};

/** A horizontal step indicator (vertical on narrow screens) of where the order is. */
export function OrderTimeline({ order }: { order: Pick<OrderView, 'status' | 'timeline' | 'imagesDone' | 'imagesPlanned'> }) {
  const steps = timelineSteps(order);
  return (
    <ol class="timeline" data-testid="timeline" aria-label="Order progress" data-status={order.status}>
      {steps.map((step, i) => {
        const detail =
          step.state === 'ended'
            ? undefined
            : step.status === 'SUBMITTED' && step.state === 'current' && order.status === 'VALIDATING'
              ? 'Checking your photos…'
              : STEP_TEXT[step.status]?.[step.state];
        return (
          <li
            key={step.status}
            class={`step step-${step.state}`}
            data-testid={`timeline-step-${step.status}`}
            data-state={step.state}
            aria-current={step.state === 'current' ? 'step' : undefined}
          >
            <span class="step-marker" aria-hidden="true">
              {step.state === 'done' ? '✓' : step.state === 'ended' ? '✕' : String(i + 1)}
            </span>
            <div class="step-body">
              <strong class="step-label">
                {statusLabel(step.status)}
                <span class="visually-hidden"> ({STATE_TEXT[step.state]})</span>
              </strong>
              {step.entry && (
                <time class="step-time" dateTime={step.entry.at}>
                  {formatDateTime(step.entry.at)}
                </time>
              )}
              {detail && <p class="step-detail">{detail}</p>}
              {step.status === 'GENERATING' && step.state === 'current' && order.imagesPlanned ? <GenerationProgress done={order.imagesDone ?? 0} planned={order.imagesPlanned} /> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** How many of the order's images are made (kept or set aside by the likeness check), as a bar and in words. */
function GenerationProgress({ done, planned }: { done: number; planned: number }) {
  return (
    <div class="generation-progress" data-testid="generation-progress" data-done={done} data-planned={planned}>
      <progress max={planned} value={done} aria-label="Headshots made" />
      <span class="step-detail">
        {done} of {planned} images made
      </span>
    </div>
  );
}
