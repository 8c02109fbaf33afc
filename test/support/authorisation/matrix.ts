import { isDeepStrictEqual } from 'node:util';
import { fillPath, type AnyRoute } from '../../../shared/api/contract';
import { ERRORS, type ErrorCode } from '../../../shared/api/errors';
import { callApi, type Answer } from './client';
import { KEY_ACTS_AS, KEY_PRINCIPALS, type Principal, type PrincipalId } from './principals';

/**
 * An expected answer: a status, or a status and the error code of the body
 * (`'404 ORDER_NOT_FOUND'`). API Gateway's own 401 has no code.
 */
export type Expected = number | `${number} ${ErrorCode}`;

/**
 * What each principal gets. `others` stands for every person not named (never
 * an API key); `keys` for both API-key principals not named.
 */
export type Expectations = Partial<Record<PrincipalId | 'others' | 'keys', Expected>>;

/** A request, without its method and path template (those come from the route). */
export interface MatrixRequest {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One way of calling a route, with the answer each principal must get.
 *
 * The principals expected to be refused (any status from 300 on) call first,
 * a few at a time, on one fixture; `unchanged` reads the state before and after
 * them and must read the same. Then those expected to succeed call one after
 * the other; with `fresh`, each of them after the first gets a new fixture, as
 * their success consumes it (a delete, a submission, a decision).
 */
export interface MatrixCase<F> {
  /** Names the case in failures when a route has more than one. */
  readonly name?: string;
  /** Built when the case runs (after the world's fixtures exist). */
  readonly fixture?: () => Promise<F>;
  readonly fresh?: boolean;
  readonly request: (fixture: F, principal: Principal) => MatrixRequest;
  readonly expect: Expectations;
  /** Reads what a refused call must not change; compared before and after the refused calls. */
  readonly unchanged?: (fixture: F) => Promise<unknown>;
  /** A check of a successful answer's content (say, that a list shows nothing of another person); answers the problem, if any. */
  readonly check?: (answer: Answer, fixture: F, principal: Principal) => string | undefined;
}

/** Keeps a case's fixture type while the matrix holds cases of any fixture. */
export function matrixCase<F = undefined>(spec: MatrixCase<F>): MatrixCase<unknown> {
  return spec as MatrixCase<unknown>;
}

// ── expectation shorthands ─────────────────────────────────────────────────────────────────────

/** A public route (`auth: none`): everyone, keys included, gets the same answer. */
export const everyone = (expected: Expected): Expectations => ({ anonymous: expected, others: expected, keys: expected });

/** A route of the `admins` group: 401 without a token, 403 FORBIDDEN to every other signed-in person. */
export const adminsOnly = (forAdmin: Expected): Expectations => ({ anonymous: 401, admin: forAdmin, others: '403 FORBIDDEN' });

/** A route of the review gate (`reviewers`): admins and artists, each getting what the route gives them; 403 FORBIDDEN to everyone else. */
export const reviewersOnly = (forAdmin: Expected, forArtist: Expected): Expectations => ({ anonymous: 401, admin: forAdmin, artist: forArtist, others: '403 FORBIDDEN' });

/** A route for any signed-in person: 401 without a token, then what each gets. */
export const signedIn = (expectations: Omit<Expectations, 'anonymous'>): Expectations => ({ anonymous: 401, ...expectations });

// ── running ────────────────────────────────────────────────────────────────────────────────────

/**
 * How many refused principals call at once. One: the local cloud runs one invocation per
 * sandbox, as Lambda does, so concurrent calls of a function start more sandboxes; on a
 * 2-core machine three at a time made the rows take 90 s, one at a time 25 s.
 */
const REFUSED_AT_ONCE = 1;

export interface MatrixContext {
  readonly api: string;
  /** Every principal of the list, those skipped included. */
  readonly principals: readonly Principal[];
}

/** What a principal should get, or undefined when the row has no expectation for it. */
export function expectedFor(expectations: Expectations, principal: PrincipalId): Expected | undefined {
  const named = expectations[principal];
  if (named !== undefined) return named;
  if (!KEY_PRINCIPALS.includes(principal)) return expectations.others;
  const person = KEY_ACTS_AS[principal];
  return expectations.keys ?? (person && (expectations[person] ?? expectations.others));
}

function parse(expected: Expected): { status: number; code?: ErrorCode } {
  if (typeof expected === 'number') return { status: expected };
  const [status, code] = expected.split(' ');
  return { status: Number(status), code: code as ErrorCode };
}

/** Problems with the expectations themselves: a code answered with another status than shared/api/errors.ts gives it. */
export function inconsistentExpectations(expectations: Expectations): string[] {
  return Object.values(expectations).flatMap((expected) => {
    const { status, code } = parse(expected);
    return code && ERRORS[code].status !== status ? [`${String(expected)}: ${code} is answered with ${ERRORS[code].status}`] : [];
  });
}

const describeAnswer = (answer: Answer) => {
  const code = typeof answer.body.code === 'string' ? ` ${answer.body.code}` : '';
  const message = typeof answer.body.message === 'string' ? ` (${answer.body.message})` : '';
  return `${answer.status}${code}${message}`;
};

/**
 * Runs one case of a route for every principal that takes part and answers
 * every mismatch as a sentence naming the route, the case, the principal, what
 * was expected and what came.
 */
export async function runCase(context: MatrixContext, route: AnyRoute, spec: MatrixCase<unknown>): Promise<string[]> {
  const where = `${route.method} ${route.path}${spec.name ? ` [${spec.name}]` : ''}`;
  const mismatches: string[] = [];
  const taking = context.principals.filter((p) => !p.skip);
  const planned: { principal: Principal; expected: Expected }[] = [];
  for (const principal of taking) {
    const expected = expectedFor(spec.expect, principal.id);
    if (expected === undefined) mismatches.push(`${where} as ${principal.label}: no expectation in the matrix`);
    else planned.push({ principal, expected });
  }

  const call = async (fixture: unknown, principal: Principal, expected: Expected) => {
    const request = spec.request(fixture, principal);
    const path = fillPath(route.path, request.params ?? {}) + (request.query ? `?${new URLSearchParams(request.query as Record<string, string>).toString()}` : '');
    const answer = await callApi(context.api, route.method, path, { token: principal.token, body: request.body, headers: request.headers });
    const want = parse(expected);
    if (answer.status !== want.status || (want.code !== undefined && answer.body.code !== want.code)) {
      mismatches.push(`${where} as ${principal.label}: expected ${String(expected)}, got ${describeAnswer(answer)}`);
    } else if (answer.status < 300 && spec.check) {
      const problem = spec.check(answer, fixture, principal);
      if (problem) mismatches.push(`${where} as ${principal.label}: ${problem}`);
    }
  };

  const first = spec.fixture ? await spec.fixture() : undefined;
  const refused = planned.filter((p) => parse(p.expected).status >= 300);
  const allowed = planned.filter((p) => parse(p.expected).status < 300);

  const before = spec.unchanged && refused.length ? await spec.unchanged(first) : undefined;
  for (let i = 0; i < refused.length; i += REFUSED_AT_ONCE) {
    await Promise.all(refused.slice(i, i + REFUSED_AT_ONCE).map(({ principal, expected }) => call(first, principal, expected)));
  }
  if (spec.unchanged && refused.length) {
    const after = await spec.unchanged(first);
    if (!isDeepStrictEqual(before, after)) {
      mismatches.push(
        `${where}: the refused calls (${refused.map((r) => r.principal.label).join(', ')}) changed state: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
      );
    }
  }

  for (const [index, { principal, expected }] of allowed.entries()) {
    const fixture = spec.fresh && index > 0 && spec.fixture ? await spec.fixture() : first;
    await call(fixture, principal, expected);
  }
  return mismatches;
}
