/**
 * The project's schema library: zod's tree-shakeable `zod/mini` build with its
 * English messages. Import it as a namespace, `import * as z from '…/shared/validation'`,
 * never from 'zod' directly: Lambda bundles and the web app then ship only the
 * parts of zod they use (the full build was 45% of every function bundle; see
 * `npm run bench`). Reaching into zod through a namespace *value* (re-exporting
 * `z`, or `z.core.…`) would pull all of it back in.
 */
import { config } from 'zod/mini';
import { $ZodError } from 'zod/v4/core';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';

/** A validation failure, as `safeParse` reports it. */
export { $ZodError as ValidationError };

/** Turns validation issues into one sentence a person can act on. */
export function describeIssues(error: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] }): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * C0/C1 control characters (tab, line feed and carriage return excepted) and
 * the bidirectional overrides that can disguise text shown to another person.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Whether a string carries characters free text must not (see {@link CONTROL_CHARACTERS}). */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}
