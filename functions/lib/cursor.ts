import { ApiError } from './errors';

/**
 * Page cursors: DynamoDB's LastEvaluatedKey as base64url JSON. A cursor is
 * checked against the key attributes and partition of the query it continues,
 * so a forged or foreign cursor answers INVALID_CURSOR instead of reading
 * another partition or failing inside DynamoDB.
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(
  cursor: string | undefined,
  expected: { readonly attributes: readonly string[]; readonly partition: Readonly<Record<string, string>> },
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = new ApiError('INVALID_CURSOR', 'This cursor does not belong to this list. Start again from the first page.');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw invalid;
  const record = key as Record<string, unknown>;
  const names = Object.keys(record).sort();
  if (names.join() !== [...expected.attributes].sort().join()) throw invalid;
  if (!names.every((name) => typeof record[name] === 'string' && (record[name] as string).length <= 1024)) throw invalid;
  for (const [name, value] of Object.entries(expected.partition)) if (record[name] !== value) throw invalid;
  return record as Record<string, string>;
}
