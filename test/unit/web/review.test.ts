import type { ReviewImageView } from '../../../shared/api/review';
import { artistChoice, canOpenReview, canTake, firstTab, queueProgress, queueTabs, waitingFor } from '../../../web/src/review/queue';
import {
  canDeliver,
  deliverBlocker,
  matchesFilter,
  nextUndecided,
  progressOf,
  progressOfSummary,
  progressText,
  reviewCounts,
  reviewKey,
  reviewState,
  stepSelection,
  validReason,
  visibleGroups,
  visibleOrder,
  withReview,
} from '../../../web/src/review/review';

const ORDER = '00000000-0000-4000-8000-000000000000';

function image(id: string, extra: Partial<ReviewImageView> = {}): ReviewImageView {
  const [styleId, poseId, slot] = /^(.*)-(front|three-quarter|profile|shoulders)-(\d+)$/.exec(id)!.slice(1);
  return {
    imageId: id,
    reviewImageId: `${ORDER}.${id}`,
    styleId: styleId!,
    poseId: poseId!,
    slot: Number(slot),
    status: 'KEPT',
    engine: 'balanced',
    endpoint: 'fal-ai/flux-lora',
    requestId: 'req',
    seed: 1,
    seedIndex: 0,
    prompt: 'p',
    identityScore: 0.8,
    identityThreshold: 0.65,
    attempts: [],
    listPriceUsd: 0.035,
    submittedAt: '2025-01-01T00:00:00Z',
    generatedAt: '2025-01-01T00:00:00Z',
    recordedAt: '2025-01-01T00:00:00Z',
    processingMs: 10,
    previewUrl: `https://s3/${id}.webp`,
    variants: [],
    ...extra,
  };
}

const approve = { decision: 'approve' as const, by: 'artist', at: '2025-01-01T00:00:00Z' };
const reject = { decision: 'reject' as const, reason: 'Cut off', by: 'artist', at: '2025-01-01T00:00:00Z' };
const rid = (id: string) => `${ORDER}.${id}`;

describe('reviewState', () => {
  it('says where each image stands', () => {
    // Arrange / Act / Assert
    expect(reviewState(image('grey-front-0'))).toBe('undecided');
    expect(reviewState(image('grey-front-0', { review: approve }))).toBe('approved');
    expect(reviewState(image('grey-front-0', { review: reject }))).toBe('rejected');
    expect(reviewState(image('grey-front-0', { status: 'REJECTED' }))).toBe('set-aside');
  });

  it('keeps a set-aside image set aside whatever its review', () => {
    expect(reviewState(image('grey-front-0', { status: 'REJECTED', review: approve }))).toBe('set-aside');
  });
});

describe('filters and grouping', () => {
  const images = [
    image('grey-profile-0', { review: approve }),
    image('blue-front-0'),
    image('grey-front-1', { review: reject }),
    image('grey-front-0', { status: 'REJECTED', identityScore: 0.5 }),
  ];

  it('counts each filter', () => {
    expect(reviewCounts(images)).toEqual({ all: 4, undecided: 1, approved: 1, rejected: 1, 'set-aside': 1 });
  });

  it('shows only the images of a filter', () => {
    expect(images.filter((i) => matchesFilter(i, 'undecided')).map((i) => i.imageId)).toEqual(['blue-front-0']);
    expect(images.filter((i) => matchesFilter(i, 'all'))).toHaveLength(4);
  });

  it('groups by style, in pose then slot order, dropping styles the filter empties', () => {
    // Act
    const all = visibleGroups(images, 'all');
    const undecided = visibleGroups(images, 'undecided');

    // Assert
    expect(all.map((g) => [g.styleId, g.name, g.images.map((i) => i.imageId)])).toEqual([
      ['blue', 'Blue', ['blue-front-0']],
      ['grey', 'Grey', ['grey-front-0', 'grey-front-1', 'grey-profile-0']],
    ]);
    expect(undecided.map((g) => g.styleId)).toEqual(['blue']);
    expect(visibleOrder(images, 'all').map((i) => i.imageId)).toEqual(['blue-front-0', 'grey-front-0', 'grey-front-1', 'grey-profile-0']);
  });
});

describe('moving the selection', () => {
  const order = ['a-front-0', 'a-front-1', 'a-front-2'].map((id) => image(id));

  it('steps and stops at both ends', () => {
    expect(stepSelection(order, rid('a-front-0'), 1)).toBe(rid('a-front-1'));
    expect(stepSelection(order, rid('a-front-2'), 1)).toBe(rid('a-front-2'));
    expect(stepSelection(order, rid('a-front-0'), -1)).toBe(rid('a-front-0'));
  });

  it('starts at the first image when the selection is not shown', () => {
    expect(stepSelection(order, undefined, 1)).toBe(rid('a-front-0'));
    expect(stepSelection(order, rid('gone-front-0'), -1)).toBe(rid('a-front-0'));
    expect(stepSelection([], undefined, 1)).toBeUndefined();
  });
});

describe('nextUndecided', () => {
  it('goes to the next image still to decide, skipping decided and set-aside ones', () => {
    // Arrange
    const order = [image('a-front-0', { review: approve }), image('a-front-1', { status: 'REJECTED' }), image('a-front-2', { review: reject }), image('a-front-3')];

    // Act / Assert
    expect(nextUndecided(order, rid('a-front-0'))).toBe(rid('a-front-3'));
  });

  it('wraps round to the first undecided image', () => {
    const order = [image('a-front-0'), image('a-front-1', { review: approve }), image('a-front-2', { review: approve })];
    expect(nextUndecided(order, rid('a-front-2'))).toBe(rid('a-front-0'));
  });

  it('answers undefined when nothing is left to decide, and never the current image', () => {
    const order = [image('a-front-0'), image('a-front-1', { review: approve })];
    expect(nextUndecided(order, rid('a-front-0'))).toBeUndefined();
  });

  it('starts from the top without a selection', () => {
    const order = [image('a-front-0', { review: approve }), image('a-front-1')];
    expect(nextUndecided(order, undefined)).toBe(rid('a-front-1'));
  });
});

describe('reviewKey', () => {
  it.each([
    ['ArrowLeft', 'previous'],
    ['k', 'previous'],
    ['ArrowRight', 'next'],
    ['j', 'next'],
    ['a', 'approve'],
    ['r', 'reject'],
    ['x', undefined],
    ['A', undefined],
  ])('%s → %s', (key, action) => expect(reviewKey({ key })).toBe(action));

  it('ignores keys typed into a field or with a modifier', () => {
    expect(reviewKey({ key: 'a', targetTag: 'INPUT' })).toBeUndefined();
    expect(reviewKey({ key: 'r', targetTag: 'TEXTAREA' })).toBeUndefined();
    expect(reviewKey({ key: 'a', targetEditable: true })).toBeUndefined();
    expect(reviewKey({ key: 'r', ctrlKey: true })).toBeUndefined();
    expect(reviewKey({ key: 'ArrowRight', metaKey: true })).toBeUndefined();
    expect(reviewKey({ key: 'a', targetTag: 'BUTTON' })).toBe('approve');
  });

  it('does not read inherited properties as keys', () => {
    expect(reviewKey({ key: 'toString' })).toBeUndefined();
  });
});

describe('decisions and delivery', () => {
  it('sets and takes back one image’s review', () => {
    // Arrange
    const images = [image('a-front-0'), image('a-front-1')];

    // Act
    const decided = withReview(images, rid('a-front-1'), reject);
    const undone = withReview(decided, rid('a-front-1'), undefined);

    // Assert
    expect(decided[1]!.review).toEqual(reject);
    expect(decided[0]).toBe(images[0]);
    expect('review' in undone[1]!).toBe(false);
  });

  it('adds up the kept images', () => {
    const images = [image('a-front-0', { review: approve }), image('a-front-1', { review: reject }), image('a-front-2'), image('a-front-3', { status: 'REJECTED' })];
    const progress = progressOf(images);
    expect(progress).toEqual({ toDecide: 3, decided: 2, approved: 1, rejected: 1 });
    expect(progressText(progress)).toBe('2 of 3 decided · 1 approved · 1 rejected');
    expect(progressOfSummary({ toDecide: 3, approved: 1, rejected: 1 })).toEqual(progress);
  });

  it('delivers only when every kept image is decided and one at least approved', () => {
    expect(canDeliver({ toDecide: 3, decided: 3, approved: 1, rejected: 2 })).toBe(true);
    expect(canDeliver({ toDecide: 3, decided: 2, approved: 2, rejected: 0 })).toBe(false);
    expect(canDeliver({ toDecide: 2, decided: 2, approved: 0, rejected: 2 })).toBe(false);
    expect(canDeliver({ toDecide: 0, decided: 0, approved: 0, rejected: 0 })).toBe(false);
  });

  it('says why Deliver waits', () => {
    expect(deliverBlocker({ toDecide: 3, decided: 1, approved: 1, rejected: 0 })).toBe('Decide the 2 images left to deliver.');
    expect(deliverBlocker({ toDecide: 3, decided: 2, approved: 1, rejected: 1 })).toBe('Decide the last image to deliver.');
    expect(deliverBlocker({ toDecide: 2, decided: 2, approved: 0, rejected: 2 })).toBe('Approve at least one image to deliver.');
    expect(deliverBlocker({ toDecide: 0, decided: 0, approved: 0, rejected: 0 })).toMatch(/nothing to deliver/);
    expect(deliverBlocker({ toDecide: 2, decided: 2, approved: 1, rejected: 1 })).toBeUndefined();
  });

  it('wants a reason of 3 characters at least, trimmed as the API trims it', () => {
    expect(validReason('  ok ')).toBe(false);
    expect(validReason('Cut')).toBe(true);
  });
});

describe('the review queue', () => {
  it('offers All to admins only', () => {
    expect(queueTabs(false).map((t) => t.id)).toEqual(['me', 'unassigned']);
    expect(queueTabs(true).map((t) => t.id)).toEqual(['me', 'unassigned', 'all']);
  });

  it('starts artists on their own orders, admins on every order', () => {
    expect(firstTab(false)).toBe('me');
    expect(firstTab(true)).toBe('all');
  });

  it.each([
    ['2025-01-01T11:59:40Z', 'just now'],
    ['2025-01-01T11:48:00Z', '12 min'],
    ['2025-01-01T09:00:00Z', '3 h'],
    ['2025-01-01T08:55:00Z', '3 h 5 min'],
    ['2024-12-29T12:00:00Z', '3 days'],
    ['2025-01-01T12:05:00Z', 'just now'],
    ['not a date', ''],
  ])('waiting since %s reads %j', (since, text) => expect(waitingFor(since, new Date('2025-01-01T12:00:00Z'))).toBe(text));

  it('reads a row’s progress', () => {
    expect(queueProgress({ toDecide: 10, approved: 3, rejected: 1 })).toBe('4 of 10 decided · 3 approved');
  });

  it('lets anyone take a free order; opens it to its artist and to admins', () => {
    expect(canTake({})).toBe(true);
    expect(canTake({ assignedTo: 'sub-1' })).toBe(false);
    expect(canOpenReview({ assignedTo: 'sub-1' }, 'sub-1', false)).toBe(true);
    expect(canOpenReview({ assignedTo: 'sub-2' }, 'sub-1', false)).toBe(false);
    expect(canOpenReview({}, 'sub-1', true)).toBe(true);
  });

  it('reads what an admin typed as the artist', () => {
    expect(artistChoice('  ')).toBeUndefined();
    expect(artistChoice(' Me ')).toBe('me');
    expect(artistChoice(' 1234-abcd ')).toBe('1234-abcd');
  });
});
