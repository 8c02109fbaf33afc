import { useEffect, useState } from 'preact/hooks';
import type { LockStats } from '../../api/client';
import { useApp } from '../../app/context';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeading } from '../../ui/PageHeading';
import { Loading } from '../../ui/Spinner';
import { Swatch } from '../../ui/Swatch';
import { barWidth, engineLabel, humanise, lockChart, lockTotals, percent, ratePercent } from './images';

/**
 * For admins: how often the identity lock sends generated images back, per
 * engine and style, with the threshold it judges by; reached from the
 * confirmation queue and from an order's images.
 */
export function IdentityLockPage() {
  const app = useApp();
  const [stats, setStats] = useState<LockStats>();
  const [failed, setFailed] = useState(false);
  const [loading, setLoading] = useState(true);
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    app.api.lockStats(controller.signal).then(
      (answer) => {
        setStats(answer);
        setFailed(false);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        app.handleError(failure);
        setFailed(true);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [asked]);

  const totals = stats && lockTotals(stats.rows);
  return (
    <div class="admin-page" data-testid="identity-lock-page">
      <div class="page-header">
        <a href="#/admin" class="back-link">
          ← Confirmation queue
        </a>
        <PageHeading>Identity lock</PageHeading>
        <p class="muted">
          Every generated image is compared with the customer's selfies. One below the threshold is sent back and made again with a new seed; a slot whose tries all fall
          below it is set aside.
        </p>
      </div>
      <Card class="card-lock" label="Rejection rate per engine and style" testid="identity-lock">
        <div class="card-header">
          <h2>Rejection rate per engine and style</h2>
          <button type="button" class="button button-quiet button-small" data-testid="identity-lock-refresh" disabled={loading} onClick={() => setAsked((n) => n + 1)}>
            Refresh
          </button>
        </div>
        {stats && totals ? (
          <>
            <dl class="lock-figures" data-testid="identity-lock-totals" data-judged={totals.judged} data-rejected={totals.rejected}>
              <div>
                <dt>Threshold</dt>
                <dd data-testid="identity-lock-threshold">{percent(stats.threshold)}</dd>
              </div>
              <div>
                <dt>Images judged</dt>
                <dd>{totals.judged.toLocaleString('en')}</dd>
              </div>
              <div>
                <dt>Sent back</dt>
                <dd>
                  {totals.rejected.toLocaleString('en')} <span class="muted">({ratePercent(totals.rejectionRate)})</span>
                </dd>
              </div>
              <div>
                <dt>Slots set aside</dt>
                <dd>{totals.slotsRejected.toLocaleString('en')}</dd>
              </div>
            </dl>
            {stats.rows.length === 0 ? (
              <EmptyState title="No image has been judged yet" testid="identity-lock-empty">
                Figures appear once an order's images are made.
              </EmptyState>
            ) : (
              <LockTable stats={stats} />
            )}
          </>
        ) : failed ? (
          <EmptyState title="Could not load the figures">Try Refresh in a moment.</EmptyState>
        ) : (
          <Loading text="Loading the figures…" />
        )}
      </Card>
    </div>
  );
}

function LockTable({ stats }: { stats: LockStats }) {
  return (
    <div class="table-scroll">
      <table class="lock-table">
        <caption class="visually-hidden">Identity lock rejection rate per engine and style; the threshold is {percent(stats.threshold)} likeness</caption>
        <thead>
          <tr>
            <th scope="col">Style</th>
            <th scope="col" class="num">
              Judged
            </th>
            <th scope="col" class="num">
              Sent back
            </th>
            <th scope="col" class="lock-rate-col">
              Rejection rate
            </th>
            <th scope="col" class="num">
              Set aside
            </th>
          </tr>
        </thead>
        {lockChart(stats.rows).map((group) => (
          <tbody key={group.engine} data-testid={`lock-engine-${group.engine}`}>
            <tr class="lock-engine">
              <th scope="colgroup" colSpan={5}>
                {engineLabel(group.engine)} engine
              </th>
            </tr>
            {group.rows.map((row) => (
              <tr key={row.styleId} data-testid={`lock-row-${row.engine}-${row.styleId}`} data-rate={row.rejectionRate} data-judged={row.judged} data-rejected={row.rejected}>
                <th scope="row" class="lock-style">
                  <span class="lock-style-name">
                    <Swatch styleId={row.styleId} size="small" />
                    <span>
                      {humanise(row.styleId)}
                      <code>{row.styleId}</code>
                    </span>
                  </span>
                </th>
                <td class="num" data-label="Judged">
                  {row.judged.toLocaleString('en')}
                </td>
                <td class="num" data-label="Sent back">
                  {row.rejected.toLocaleString('en')}
                </td>
                <td class="lock-rate" data-label="Rejection rate">
                  <span class="rate" title={`${row.rejected} of ${row.judged} images sent back`}>
                    <span class="rate-track" aria-hidden="true">
                      <span class="rate-fill" style={{ width: barWidth(row.rejectionRate) }} />
                    </span>
                    <span class="rate-value">{ratePercent(row.rejectionRate)}</span>
                  </span>
                </td>
                <td class="num" data-label="Set aside">
                  {row.slotsRejected.toLocaleString('en')}
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
