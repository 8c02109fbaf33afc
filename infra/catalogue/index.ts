/**
 * The one source of truth for what the platform runs, one file per domain:
 * functions, the HTTP routes they serve and the state machines they form, plus
 * the resource registry, the table and the groups. The CDK constructs and the
 * local runtime both read it, so a route or function exists in both places or
 * in neither (the parity test in test/infra proves it on the synthesized template).
 */
import { accounts } from './accounts';
import { admin } from './admin';
import { apikeys, AUTHORIZER } from './apikeys';
import { billing } from './billing';
import { delivery } from './delivery';
import { generation } from './generation';
import { orders } from './orders';
import { organisations } from './organisations';
import { photos } from './photos';
import { platform } from './platform';
import { review } from './review';
import { studios } from './studios';
import { wallets } from './wallets';
import type { DomainSpec, FunctionSpec, ObjectEventSpec, RouteSpec, ScheduleSpec, StateMachineSpec } from './types';

export * from './api';
export * from './permissions';
export * from './resources';
export * from './types';

/**
 * Every domain, in deployment order: a domain may use resources owned by the
 * shared stacks and by domains before it, never after it (see README, "Stacks").
 */
export const DOMAINS: readonly DomainSpec[] = [studios, delivery, generation, review, orders, photos, admin, wallets, billing, organisations, apikeys, accounts, platform].map(withRateLimit);

export { AUTHORIZER, AUTHORIZER_CACHE_TTL_SECONDS } from './apikeys';

/**
 * Every function that serves a signed-in route counts its callers' requests
 * (functions/lib/api-handler.ts, the per-caller rate limit): it is granted the
 * counters (`RateLimitTable: 'count'`, UpdateItem on that table only), here,
 * once, rather than in each domain's file.
 */
function withRateLimit(domain: DomainSpec): DomainSpec {
  const counted = new Set(domain.routes.filter((route) => route.auth !== 'none').map((route) => route.functionId));
  return {
    ...domain,
    functions: domain.functions.map((fn) => (counted.has(fn.id) ? { ...fn, grants: { ...fn.grants, RateLimitTable: 'count' as const } } : fn)),
  };
}

/** The functions that count their callers (see {@link withRateLimit}). */
export const RATE_LIMITED_GRANT = 'RateLimitTable';

/** Every function: the domains' and the API's authorizer (built by the `Api` stack, see {@link AUTHORIZER}). */
export const FUNCTIONS: readonly FunctionSpec[] = [...DOMAINS.flatMap((d) => d.functions), AUTHORIZER];
export const ROUTES: readonly RouteSpec[] = DOMAINS.flatMap((d) => d.routes);
export const STATE_MACHINES: readonly StateMachineSpec[] = DOMAINS.flatMap((d) => d.stateMachines);
export const OBJECT_EVENTS: readonly ObjectEventSpec[] = DOMAINS.flatMap((d) => d.objectEvents ?? []);
export const SCHEDULES: readonly ScheduleSpec[] = DOMAINS.flatMap((d) => d.schedules ?? []);

/** The single-table design: one table, two global secondary indexes. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/**
 * The per-caller rate limit's counters (registry `RateLimitTable`): one item per
 * caller and minute under a string `pk`, removed by TTL. Built by the `Api`
 * stack on AWS and at start by the local cloud.
 */
export const RATE_LIMIT_TABLE = { partitionKey: 'pk', timeToLiveAttribute: 'expiresAt' } as const;

/**
 * The e-mail Cognito sends with a code (sign-up, a new code, a forgotten
 * password): the user pool's verification message on AWS, and what the local
 * cloud files in its outbox when cognito-local hands out a code. `{####}` is the code.
 */
export const VERIFICATION_EMAIL = {
  subject: 'Your Headshot Studio code',
  body: 'Your Headshot Studio code is {####}. Type it on the page that asked for it; it is good for 24 hours. If you did not ask for it, ignore this e-mail.',
} as const;

/** Cognito groups created in the user pool. */
export const GROUPS = [
  { name: 'admins', description: 'Confirm orders, manage studios, see every order' },
  { name: 'artists', description: 'Review, retouch and approve generated images' },
] as const;

/** `${Name}` placeholders of an ASL document (the syntax of CloudFormation DefinitionSubstitutions). */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
}

/**
 * Fails unless the placeholders of a state machine's ASL are exactly the
 * substitutions its catalogue entry declares. CDK and the local cloud both
 * check this before they run a definition.
 */
export function assertSubstitutions(spec: StateMachineSpec, definition: string): void {
  const placeholders = placeholdersOf(definition);
  const substituted = Object.keys(spec.functionArns).sort();
  if (placeholders.join() !== substituted.join()) {
    throw new Error(
      `${spec.id}: placeholders in ${spec.definitionFile} (${placeholders.join(', ')}) differ from the catalogue's functionArns (${substituted.join(', ')}).`,
    );
  }
}

export function functionById(id: string): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`No function "${id}" in the catalogue`);
  return spec;
}

/** The domain a function belongs to. */
export function domainOf(functionId: string): DomainSpec {
  const domain = DOMAINS.find((d) => d.functions.some((f) => f.id === functionId));
  if (!domain) throw new Error(`No domain declares function "${functionId}"`);
  return domain;
}

/** `GET /v1/orders/{orderId}` — the route key format API Gateway HTTP APIs use. */
export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
