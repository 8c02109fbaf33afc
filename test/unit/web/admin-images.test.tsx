import { render } from 'preact-render-to-string';
import type { ReviewImageView as GeneratedImageView } from '../../../shared/api/review';
import type { OrderView } from '../../../shared/orders';
import {
  barWidth,
  engineLabel,
  filterCounts,
  filterImages,
  formatUsd,
  groupByStyle,
  humanise,
  lockChart,
  lockTotals,
  passes,
  percent,
  plural,
  poseLabel,
  ratePercent,
  refreshesImages,
  sameImages,
  scoreText,
  showsImages,
  summarise,
  withStableLinks,
  type LockRow,
} from '../../../web/src/admin/generation/images';
import { ScoreMeter } from '../../../web/src/admin/generation/ScoreMeter';

const THRESHOLD = 0.65;

function image(imageId: string, extra: Partial<GeneratedImageView> = {}): GeneratedImageView {
  const score = extra.identityScore ?? 0.8;
  return {
    imageId,
    reviewImageId: `00000000-0000-4000-8000-000000000000.${imageId}`,
    styleId: 'corporate-grey',
    poseId: 'front',
    slot: 0,
    status: score >= THRESHOLD ? 'KEPT' : 'REJECTED',
    engine: 'balanced',
    endpoint: 'fal-ai/flux-lora',
    requestId: `req-${imageId}`,
    seed: 1234,
    seedIndex: 0,
    prompt: 'a headshot',
    identityScore: score,
    identityThreshold: THRESHOLD,
    attempts: [{ attempt: 0, requestId: `req-${imageId}`, seed: 1234, index: 0, similarity: score, faceFound: true }],
    listPriceUsd: 0.035,
    submittedAt: '2026-11-29T10:00:00.000Z',
    generatedAt: '2026-11-29T10:00:05.000Z',
    recordedAt: '2026-11-29T10:00:06.000Z',
    processingMs: 400,
    previewUrl: `https://s3.test/${imageId}.webp?sig=1`,
    variants: [{ name: 'preview', format: 'webp', width: 1024, height: 1024, size: 1000, sha256: 'x' }],
    ...extra,
  };
}

const entry = (status: OrderView['status']) => ({ status, at: '2026-11-29T10:00:00.000Z' });

describe('showsImages and refreshesImages', () => {
  it('shows images from GENERATING on, and after a failure during generation', () => {
    expect(showsImages({ status: 'GENERATING', timeline: [entry('GENERATING')] })).toBe(true);
    expect(showsImages({ status: 'PENDING_REVIEW', timeline: [] })).toBe(true);
    expect(showsImages({ status: 'FAILED', timeline: [entry('CONFIRMED'), entry('TRAINING'), entry('GENERATING'), entry('FAILED')] })).toBe(true);
  });

  it('shows none before generation, nor for an order that failed before it', () => {
    for (const status of ['PENDING_EDITOR_CONFIRMATION', 'CONFIRMED', 'TRAINING', 'REJECTED'] as const) expect(showsImages({ status, timeline: [entry(status)] })).toBe(false);
    expect(showsImages({ status: 'FAILED', timeline: [entry('CONFIRMED'), entry('TRAINING'), entry('FAILED')] })).toBe(false);
  });

  it('refreshes only while the order generates', () => {
    expect(refreshesImages('GENERATING')).toBe(true);
    expect(refreshesImages('PENDING_REVIEW')).toBe(false);
    expect(refreshesImages('FAILED')).toBe(false);
  });
});

describe('filterImages and filterCounts', () => {
  const images = [image('a'), image('b', { identityScore: 0.4 }), image('c', { identityScore: 0.9 })];

  it('keeps all, the kept or the set-aside images', () => {
    expect(filterImages(images, 'all').map((i) => i.imageId)).toEqual(['a', 'b', 'c']);
    expect(filterImages(images, 'kept').map((i) => i.imageId)).toEqual(['a', 'c']);
    expect(filterImages(images, 'set-aside').map((i) => i.imageId)).toEqual(['b']);
  });

  it('counts what each filter shows', () => {
    expect(filterCounts(images)).toEqual({ all: 3, kept: 2, 'set-aside': 1 });
    expect(filterCounts([])).toEqual({ all: 0, kept: 0, 'set-aside': 0 });
  });
});

describe('groupByStyle', () => {
  const styles = [
    { styleId: 'boardroom-blue', name: 'Boardroom blue' },
    { styleId: 'corporate-grey', name: 'Corporate grey' },
  ];

  it("groups in the order's order of styles, by pose as the product lists them, then slot", () => {
    const groups = groupByStyle(
      [
        image('g-shoulders-0', { poseId: 'shoulders' }),
        image('g-front-1', { slot: 1 }),
        image('b-front-0', { styleId: 'boardroom-blue' }),
        image('g-front-0'),
        image('g-tql-0', { poseId: 'three-quarter-left' }),
      ],
      styles,
    );
    expect(groups.map((g) => [g.styleId, g.name, g.images.map((i) => i.imageId)])).toEqual([
      ['boardroom-blue', 'Boardroom blue', ['b-front-0']],
      ['corporate-grey', 'Corporate grey', ['g-front-0', 'g-front-1', 'g-tql-0', 'g-shoulders-0']],
    ]);
  });

  it('leaves out styles without images and names unknown styles from their ID, after the known ones', () => {
    const groups = groupByStyle([image('x', { styleId: 'zen-garden' }), image('y')], styles);
    expect(groups.map((g) => [g.styleId, g.name])).toEqual([
      ['corporate-grey', 'Corporate grey'],
      ['zen-garden', 'Zen garden'],
    ]);
  });
});

describe('summarise', () => {
  it('adds up made, kept, set aside, retried images, attempts and list price', () => {
    const retried = image('b', {
      identityScore: 0.7,
      listPriceUsd: 0.07,
      attempts: [
        { attempt: 0, requestId: 'r1', seed: 1, index: 0, similarity: 0.3, faceFound: true },
        { attempt: 1, requestId: 'r2', seed: 2, index: 0, similarity: 0.7, faceFound: true },
      ],
    });
    expect(summarise([image('a'), retried, image('c', { identityScore: 0.2 })])).toEqual({
      made: 3,
      kept: 2,
      setAside: 1,
      retried: 1,
      attempts: 4,
      listPriceUsd: 0.14,
    });
  });
});

describe('withStableLinks and sameImages', () => {
  it('keeps the preview link an image already had, and takes the links of new images', () => {
    const before = [image('a', { previewUrl: 'https://s3.test/a?sig=old' })];
    const after = [image('a', { previewUrl: 'https://s3.test/a?sig=new' }), image('b', { previewUrl: 'https://s3.test/b?sig=new' })];
    expect(withStableLinks(before, after).map((i) => i.previewUrl)).toEqual(['https://s3.test/a?sig=old', 'https://s3.test/b?sig=new']);
    expect(withStableLinks(undefined, after)).toEqual(after);
  });

  it('takes a link where there was none before', () => {
    const merged = withStableLinks([image('a', { previewUrl: '' })], [image('a', { previewUrl: 'https://s3.test/a?sig=1' })]);
    expect(merged[0]!.previewUrl).toBe('https://s3.test/a?sig=1');
  });

  it('finds two reads the same when only the links differ, and different when anything else changed', () => {
    expect(sameImages([image('a', { previewUrl: 'x' })], [image('a', { previewUrl: 'y' })])).toBe(true);
    expect(sameImages([image('a')], [image('a'), image('b')])).toBe(false);
    expect(sameImages([image('a')], [image('a', { identityScore: 0.3 })])).toBe(false);
  });
});

describe('how figures read', () => {
  it('shows scores and shares as whole percentages, clamped to 0..100', () => {
    expect(percent(0.8234)).toBe('82%');
    expect(percent(0.65)).toBe('65%');
    expect(percent(1.2)).toBe('100%');
    expect(percent(Number.NaN)).toBe('–');
  });

  it('shows rates with one decimal unless whole', () => {
    expect(ratePercent(0.125)).toBe('12.5%');
    expect(ratePercent(0)).toBe('0%');
    expect(ratePercent(0.5)).toBe('50%');
    expect(ratePercent(0.1)).toBe('10%');
    expect(ratePercent(0.143)).toBe('14.3%');
  });

  it('sizes bars in percent of their track', () => {
    expect(barWidth(0.8234)).toBe('82.34%');
    expect(barWidth(-1)).toBe('0.00%');
    expect(barWidth(Number.POSITIVE_INFINITY)).toBe('0.00%');
  });

  it('passes a score at or above the threshold, as the lock does', () => {
    expect(passes(0.65, 0.65)).toBe(true);
    expect(passes(0.649, 0.65)).toBe(false);
    expect(scoreText(0.82, 0.65)).toBe('Likeness 82%, at or above the 65% threshold');
    expect(scoreText(0.4, 0.65)).toBe('Likeness 40%, below the 65% threshold');
  });

  it('shows list prices to a hundredth of a cent', () => {
    expect(formatUsd(0.035)).toBe('$0.035');
    expect(formatUsd(0.42)).toBe('$0.42');
    expect(formatUsd(0.11667)).toBe('$0.1167');
  });

  it('names poses, engines and IDs as people read them', () => {
    expect(poseLabel('three-quarter-left')).toBe('Three-quarter left');
    expect(poseLabel('upside-down')).toBe('upside-down');
    expect(engineLabel('balanced')).toBe('Balanced');
    expect(engineLabel('turbo')).toBe('turbo');
    expect(humanise('corporate-grey')).toBe('Corporate grey');
    expect(plural(1, 'attempt')).toBe('1 attempt');
    expect(plural(3, 'attempt')).toBe('3 attempts');
  });
});

describe('the identity lock figures', () => {
  const row = (engine: string, styleId: string, judged: number, rejected: number, slotsRejected = 0): LockRow => ({
    engine,
    styleId,
    judged,
    rejected,
    rejectionRate: judged ? rejected / judged : 0,
    slotsRejected,
  });

  it('adds up every row, with the rate over all images judged', () => {
    expect(lockTotals([row('balanced', 'a', 30, 6, 1), row('fast', 'b', 10, 0)])).toEqual({ judged: 40, rejected: 6, rejectionRate: 0.15, slotsRejected: 1 });
    expect(lockTotals([])).toEqual({ judged: 0, rejected: 0, rejectionRate: 0, slotsRejected: 0 });
  });

  it('groups rows by engine in the order of the presets, worst rate first', () => {
    const chart = lockChart([row('fast', 'x', 10, 1), row('balanced', 'a', 10, 1), row('turbo', 'q', 4, 4), row('balanced', 'b', 10, 5), row('quality', 'c', 10, 0)]);
    expect(chart.map((g) => [g.engine, g.rows.map((r) => r.styleId)])).toEqual([
      ['quality', ['c']],
      ['balanced', ['b', 'a']],
      ['fast', ['x']],
      ['turbo', ['q']],
    ]);
  });
});

describe('ScoreMeter', () => {
  it('is a meter screen readers hear with the threshold, filled to the score with the threshold ticked', () => {
    const html = render(<ScoreMeter score={0.82} threshold={0.65} testid="identity-score" />);
    expect(html).toContain('role="meter"');
    expect(html).toContain('aria-valuenow="82"');
    expect(html).toContain('aria-valuetext="Likeness 82%, at or above the 65% threshold"');
    expect(html).toContain('score-pass');
    expect(html).toMatch(/class="score-fill" style="width: ?82\.00%;?"/);
    expect(html).toMatch(/class="score-tick" style="left: ?65\.00%;?"/);
  });

  it('marks a score below the threshold as failing', () => {
    const html = render(<ScoreMeter score={0.4} threshold={0.65} small />);
    expect(html).toContain('score-fail');
    expect(html).toContain('score-small');
    expect(html).toContain('below the 65% threshold');
  });
});
