import * as z from '../../../shared/validation';
import type { ValidationError } from '../../../shared/validation';
import {
  BATCH_SIZE,
  createOrderSchema,
  decisionSchema,
  describeIssues,
  failureFromError,
  isTerminal,
  MAX_STYLES_PER_ORDER,
  planStyle,
} from '../../../shared/orders';
import { STYLES } from '../helpers/orders';
import { POSE_SETS } from '../../../shared/generation';

/** The messages of a failed parse, so each test can name the one it expects. */
function messagesOf(result: { success: boolean; error?: ValidationError }): string[] {
  return result.error?.issues.map((issue) => issue.message) ?? [];
}

describe('Schema: createOrderSchema', () => {
  const FIVE = ['corporate-grey', 'studio-black', 'warm-office', 'outdoor-natural', 'creative-colour'];

  it('accepts a studio, its styles and a note, trimming the note', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['corporate-grey', 'studio-black'], note: '  left profile please  ' });

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toEqual({ studioId: 'north-light-studio', styleIds: ['corporate-grey', 'studio-black'], note: 'left profile please' });
  });

  it('accepts an order without a note', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['warm-office'] });

    // Assess
    expect(result.success).toBe(true);
  });

  it('leaves whether a style exists to its studio (any slug passes the schema)', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['neon-disco'] });

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    { case: 'upper-case letters', value: 'Corporate-Grey' },
    { case: 'a space', value: 'corporate grey' },
    { case: 'a double hyphen', value: 'corporate--grey' },
    { case: 'a leading hyphen', value: '-grey' },
    { case: 'a path', value: '../grey' },
    { case: 'more than 48 characters', value: 'a'.repeat(49) },
  ])('rejects a style ID with $case', ({ value }) => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: [value] });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['styleIds', 0]);
  });

  it('rejects a studio ID that is not a slug, naming the field', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'North Light', styleIds: ['warm-office'] });

    // Assess
    expect(messagesOf(result)).toEqual(['studioId may hold only lower-case letters, digits and single hyphens']);
    expect(result.error?.issues[0].path).toEqual(['studioId']);
  });

  it('rejects an order without a studio', () => {
    // Act
    const result = createOrderSchema.safeParse({ styleIds: ['warm-office'] });

    // Assess
    expect(result.error?.issues[0].path).toEqual(['studioId']);
  });

  it('rejects a style picked twice', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['studio-black', 'studio-black'] });

    // Assess
    expect(messagesOf(result)).toEqual(['Each style may be picked once']);
  });

  it('rejects an empty list of styles', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: [] });

    // Assess
    expect(messagesOf(result)).toEqual(['Pick at least one style']);
  });

  it('rejects a missing list of styles', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['styleIds']);
  });

  it(`rejects more than ${MAX_STYLES_PER_ORDER} styles`, () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: [...FIVE, 'sixth-style'] });

    // Assess
    expect(messagesOf(result)).toEqual([`Pick at most ${MAX_STYLES_PER_ORDER} styles`]);
  });

  it(`accepts exactly ${MAX_STYLES_PER_ORDER} different styles`, () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: FIVE.slice(0, MAX_STYLES_PER_ORDER) });

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects fields it does not know (strict), the old `styles` field among them', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['warm-office'], styles: ['warm-office'] });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['styles'] });
  });

  it('rejects a note of more than 500 characters', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['warm-office'], note: 'x'.repeat(501) });

    // Assess
    expect(messagesOf(result)).toEqual(['Keep the note under 500 characters']);
  });

  it('measures the note after trimming it', () => {
    // Act
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['warm-office'], note: ` ${'x'.repeat(500)} ` });

    // Assess
    expect(result.success).toBe(true);
  });
});

describe('Schema: decisionSchema', () => {
  it('accepts a confirmation', () => {
    // Act
    const result = decisionSchema.safeParse({ decision: 'confirm' });

    // Assess
    expect(result.data).toEqual({ decision: 'confirm' });
  });

  it('accepts a rejection with a reason, trimmed', () => {
    // Act
    const result = decisionSchema.safeParse({ decision: 'reject', reason: '  Photos are too blurry  ' });

    // Assess
    expect(result.data).toEqual({ decision: 'reject', reason: 'Photos are too blurry' });
  });

  it('rejects a rejection without a reason', () => {
    // Act
    const result = decisionSchema.safeParse({ decision: 'reject' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['reason']);
  });

  it('rejects a rejection whose reason is shorter than 3 characters once trimmed', () => {
    // Act
    const result = decisionSchema.safeParse({ decision: 'reject', reason: ' no ' });

    // Assess
    expect(messagesOf(result)).toEqual(['Tell the customer why (at least 3 characters)']);
  });

  it('rejects a confirmation that carries a reason (strict)', () => {
    // Act
    const result = decisionSchema.safeParse({ decision: 'confirm', reason: 'looks great' });

    // Assess
    expect(result.success).toBe(false);
  });

  it('rejects an unknown decision', () => {
    // Act
    const result = decisionSchema.safeParse({ decision: 'maybe' });

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('Function: planStyle', () => {
  it('plans one batch per pose of the default pose set, BATCH_SIZE images each', () => {
    // Act
    const plan = planStyle(STYLES[0], 0);

    // Assess
    expect(plan.poses).toEqual(POSE_SETS.classic);
    expect(plan.batches).toBe(POSE_SETS.classic.length);
    expect(plan.images).toBe(POSE_SETS.classic.length * BATCH_SIZE);
  });

  it("plans the style's own pose set when it names one", () => {
    // Act
    const plan = planStyle({ ...STYLES[0], poseSet: 'complete' }, 0);

    // Assess
    expect(plan.poses).toHaveLength(9);
    expect(plan.images).toBe(27);
  });

  it('keeps the style and its position in the order', () => {
    // Act
    const plan = planStyle(STYLES[1], 3);

    // Assess
    expect(plan).toMatchObject({ styleId: 'studio-black', position: 3 });
  });

  it.each(STYLES.map((style) => ({ style })))("writes $style.styleId's prompt with its wardrobe, backdrop and lighting, in that order", ({ style }) => {
    // Act
    const plan = planStyle(style, 0);

    // Assess
    expect(plan.prompt).toBe(`${style.prompt}; ${style.wardrobe}; ${style.backdrop}; ${style.lighting}`);
  });

  it('plans the style as the order took it, whatever the studio offers now', () => {
    // Prepare
    const edited = { ...STYLES[0], prompt: 'a prompt the admin wrote later', backdrop: 'a new backdrop' };

    // Act
    const plan = planStyle(edited, 0);

    // Assess
    expect(plan.prompt).toContain('a prompt the admin wrote later');
    expect(plan.prompt).toContain('a new backdrop');
    expect(plan.prompt).not.toContain(STYLES[0].backdrop);
  });
});

describe('Function: failureFromError', () => {
  it('maps OrderRejected to REJECTED with the cause as the reason', () => {
    // Act
    const failure = failureFromError({ Error: 'OrderRejected', Cause: 'Photos are too blurry' });

    // Assess
    expect(failure).toEqual({ status: 'REJECTED', reason: 'Photos are too blurry' });
  });

  it('gives OrderRejected without a cause a generic reason', () => {
    // Act
    const failure = failureFromError({ Error: 'OrderRejected', Cause: '' });

    // Assess
    expect(failure).toEqual({ status: 'REJECTED', reason: 'The studio could not accept this order.' });
  });

  it('maps the expired confirmation gate to EXPIRED', () => {
    // Act
    const failure = failureFromError({ Error: 'ConfirmationExpired', Cause: 'Nobody confirmed the order within the confirmation window.' });

    // Assess
    expect(failure.status).toBe('EXPIRED');
    expect(failure.reason).toMatch(/in time/);
  });

  it('maps the timeout of any other step to FAILED, not EXPIRED', () => {
    // Act
    const failure = failureFromError({ Error: 'States.Timeout', Cause: 'The task timed out.' });

    // Assess
    expect(failure.status).toBe('FAILED');
  });

  it.each([
    { error: { Error: 'Lambda.ServiceException', Cause: 'boom' }, case: 'a Lambda error' },
    { error: { Error: 'States.TaskFailed', Cause: '{"errorMessage":"secret stack"}' }, case: 'a task failure' },
    { error: {}, case: 'an error without a name' },
    { error: undefined, case: 'no error at all' },
  ])('maps $case to FAILED without leaking the cause', ({ error }) => {
    // Act
    const failure = failureFromError(error);

    // Assess
    expect(failure).toEqual({
      status: 'FAILED',
      reason: 'Something went wrong while preparing your order. Our team has been alerted.',
    });
  });
});

describe('Function: isTerminal', () => {
  it.each(['REJECTED', 'EXPIRED', 'FAILED', 'DISCARDED'] as const)('treats %s as terminal', (status) => {
    // Act & Assess
    expect(isTerminal(status)).toBe(true);
  });

  it.each(['DRAFT', 'VALIDATING', 'NEEDS_NEW_PHOTOS', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW'] as const)('treats %s as not ended', (status) => {
    // Act & Assess
    expect(isTerminal(status)).toBe(false);
  });
});

describe('Function: describeIssues', () => {
  it('prefixes each message with its path and joins them with semicolons', () => {
    // Prepare
    const result = createOrderSchema.safeParse({ studioId: 'north-light-studio', styleIds: ['Neon Disco'], note: 'x'.repeat(501) });

    // Act
    const sentence = describeIssues(result.error!);

    // Assess
    expect(sentence).toBe('styleIds.0: A style ID may hold only lower-case letters, digits and single hyphens; note: Keep the note under 500 characters');
  });

  it('leaves a message without a path as it is', () => {
    // Prepare
    const result = z.string().check(z.minLength(3, 'Too short')).safeParse('ab');

    // Act
    const sentence = describeIssues(result.error!);

    // Assess
    expect(sentence).toBe('Too short');
  });
});
