import { DEFAULT_IDENTITY_THRESHOLD, judgeLikeness, MAX_REGENERATIONS } from '#functions/generation/identity';

describe('judgeLikeness', () => {
  it('keeps at and above the product threshold (0.65, Rekognition similarity 65), regenerates below it', () => {
    expect(DEFAULT_IDENTITY_THRESHOLD).toBe(0.65);
    expect(judgeLikeness(0.65)).toBe('KEEP');
    expect(judgeLikeness(0.6500001)).toBe('KEEP');
    expect(judgeLikeness(1)).toBe('KEEP');
    expect(judgeLikeness(0.6499999)).toBe('REGENERATE');
    expect(judgeLikeness(0)).toBe('REGENERATE');
  });

  it('never keeps a similarity that is not a number', () => {
    expect(judgeLikeness(Number.NaN)).toBe('REGENERATE');
    expect(judgeLikeness(Number.NaN, 0)).toBe('REGENERATE');
  });

  it('takes another threshold, and refuses one outside 0..1', () => {
    expect(judgeLikeness(0.7, 0.8)).toBe('REGENERATE');
    expect(judgeLikeness(0.8, 0.8)).toBe('KEEP');
    expect(judgeLikeness(0, 0)).toBe('KEEP');
    expect(judgeLikeness(1, 1)).toBe('KEEP');
    for (const threshold of [-0.1, 1.01, 65, Number.NaN]) expect(() => judgeLikeness(0.9, threshold)).toThrow(RangeError);
  });

  it('bounds the regenerations of one slot at three', () => {
    expect(MAX_REGENERATIONS).toBe(3);
  });
});
