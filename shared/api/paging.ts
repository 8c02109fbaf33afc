import * as z from '../validation';

/** Page size when a list request names none, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The query parameters of every list route: `limit` and the `cursor` of the previous page. */
export const pageQuery = {
  limit: z.optional(
    z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`)),
  ),
  cursor: z.optional(
    z.string().check(z.maxLength(2048, 'cursor is too long'), z.regex(/^[A-Za-z0-9_-]+$/, 'cursor must be the nextCursor of the previous page')),
  ),
};

/** `limit` as a number, defaulted. */
export function pageSize(limit: string | undefined): number {
  return limit === undefined ? DEFAULT_PAGE_SIZE : Number(limit);
}

/** A page of a list: its items under `key`, and `nextCursor` while more remain. */
export function pageOf<K extends string, T extends z.ZodMiniType>(key: K, item: T) {
  return z.object({ [key]: z.array(item), nextCursor: z.optional(z.string()) } as { [P in K]: z.ZodMiniArray<T> } & {
    nextCursor: z.ZodMiniOptional<z.ZodMiniString>;
  });
}
