import { decodeCursor, encodeCursor } from '#lib/cursor';
import { ApiError } from '#lib/errors';

const EXPECTED = { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partition: { gsi1pk: 'CUSTOMER#ada' } } as const;
const KEY = { pk: 'ORDER#1', sk: 'ORDER', gsi1pk: 'CUSTOMER#ada', gsi1sk: '2030-01-01T00:00:00.000Z#1' };

/** A cursor carrying any JSON value, as a client could forge one. */
const forge = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** What decodeCursor throws, or undefined. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Function: encodeCursor', () => {
  it('answers no cursor when there is no key (the last page)', () => {
    // Act
    const cursor = encodeCursor(undefined);

    // Assess
    expect(cursor).toBeUndefined();
  });

  it('encodes a key as base64url, which the query schema accepts', () => {
    // Act
    const cursor = encodeCursor(KEY);

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('Function: decodeCursor', () => {
  it('answers undefined when there is no cursor (the first page)', () => {
    // Act
    const key = decodeCursor(undefined, EXPECTED);

    // Assess
    expect(key).toBeUndefined();
  });

  it('decodes the key a cursor of the same list encoded', () => {
    // Prepare
    const cursor = encodeCursor(KEY);

    // Act
    const key = decodeCursor(cursor, EXPECTED);

    // Assess
    expect(key).toEqual(KEY);
  });

  it('accepts the key attributes in any order', () => {
    // Prepare
    const cursor = forge({ gsi1sk: KEY.gsi1sk, sk: KEY.sk, gsi1pk: KEY.gsi1pk, pk: KEY.pk });

    // Act
    const key = decodeCursor(cursor, EXPECTED);

    // Assess
    expect(key).toEqual(KEY);
  });

  it('refuses a cursor of another partition with INVALID_CURSOR (400)', () => {
    // Prepare
    const cursor = encodeCursor({ ...KEY, gsi1pk: 'CUSTOMER#eve' });

    // Act
    const error = thrownBy(() => decodeCursor(cursor, EXPECTED));

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'INVALID_CURSOR', statusCode: 400 });
  });

  it.each([
    { case: 'not base64 JSON', cursor: 'bm90LWpzb24' },
    { case: 'JSON null', cursor: forge(null) },
    { case: 'a JSON array', cursor: forge(['pk', 'sk']) },
    { case: 'a JSON number', cursor: forge(42) },
    { case: 'a missing key attribute', cursor: forge({ pk: KEY.pk, sk: KEY.sk, gsi1pk: KEY.gsi1pk }) },
    { case: 'an extra attribute', cursor: forge({ ...KEY, status: 'CONFIRMED' }) },
    { case: 'the attributes of another index', cursor: forge({ pk: KEY.pk, sk: KEY.sk, gsi2pk: 'STATUS#SUBMITTED', gsi2sk: KEY.gsi1sk }) },
    { case: 'a value that is not a string', cursor: forge({ ...KEY, gsi1sk: 7 }) },
    { case: 'a value longer than 1024 characters', cursor: forge({ ...KEY, gsi1sk: 'x'.repeat(1025) }) },
    { case: 'an empty string', cursor: '' },
  ])('refuses a cursor with $case', ({ cursor }) => {
    // Act
    const error = thrownBy(() => decodeCursor(cursor, EXPECTED));

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
