import { barWidth, passes, percent, scoreText } from './images';

interface ScoreMeterProps {
  /** The likeness score, 0..1. */
  readonly score: number;
  /** The identity lock's threshold, 0..1: drawn as a tick on the bar. */
  readonly threshold: number;
  /** A thinner bar, for lists of attempts. */
  readonly small?: boolean;
  readonly testid?: string;
}

/**
 * A likeness score as a bar with the threshold marked on it: green at or above
 * the threshold, red below, and the figure beside it. Screen readers hear the
 * score and how it compares; widths are set through the CSSOM, which the
 * Content-Security-Policy allows.
 */
export function ScoreMeter({ score, threshold, small = false, testid }: ScoreMeterProps) {
  const ok = passes(score, threshold);
  const text = scoreText(score, threshold);
  return (
    <span class={`score ${ok ? 'score-pass' : 'score-fail'}${small ? ' score-small' : ''}`} data-testid={testid} data-score={score} data-threshold={threshold} title={text}>
      <span
        class="score-track"
        role="meter"
        aria-label="Likeness"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(score * 100)}
        aria-valuetext={text}
      >
        <span class="score-fill" style={{ width: barWidth(score) }} />
        <span class="score-tick" style={{ left: barWidth(threshold) }} />
      </span>
      <span class="score-value" aria-hidden="true">
        {percent(score)}
      </span>
    </span>
  );
}
