import type { OrderView } from '../../../shared/orders';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { duration, formatDateTime } from '../ui/format';

/** The order's Step Functions execution, for admins only. */
export function OrderPipeline({ order }: { order: OrderView }) {
  const run = order.execution;
  return (
    <Card class="card-execution" label="Pipeline" testid="order-execution">
      <h2>Pipeline</h2>
      {!run ? (
        <p class="muted" data-testid="order-execution-status" data-status="NONE">
          The pipeline has not started yet.
        </p>
      ) : (
        <dl class="facts facts-wide">
          <div>
            <dt>Execution</dt>
            <dd>
              <Badge status={run.status} testid="order-execution-status" />
            </dd>
          </div>
          {run.startedAt && (
            <div>
              <dt>Started</dt>
              <dd>
                <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>
              </dd>
            </div>
          )}
          {run.stoppedAt && (
            <div>
              <dt>Finished</dt>
              <dd>
                <time dateTime={run.stoppedAt}>{formatDateTime(run.stoppedAt)}</time>
              </dd>
            </div>
          )}
          {run.startedAt && run.stoppedAt && (
            <div>
              <dt>Took</dt>
              <dd>{duration(run.startedAt, run.stoppedAt)}</dd>
            </div>
          )}
          {run.status === 'RUNNING' && order.status === 'PENDING_EDITOR_CONFIRMATION' && (
            <p class="field-hint">Paused at the confirmation gate until a studio editor decides.</p>
          )}
        </dl>
      )}
    </Card>
  );
}

/** How much generation work the plans add up to, for admins only. */
export function StylePlanDetails({ order }: { order: OrderView }) {
  const plans = order.plans ?? [];
  const images = plans.reduce((sum, plan) => sum + plan.images, 0);
  if (images === 0) return null;
  const batches = plans.reduce((sum, plan) => sum + plan.batches, 0);
  return (
    <p class="muted">
      {images} images planned in {batches} batches.
    </p>
  );
}
