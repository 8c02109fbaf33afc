import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  type Access,
  actionsFor,
  assertSubstitutions,
  DOMAINS,
  FUNCTIONS,
  functionById,
  GROUPS,
  placeholdersOf,
  RESOURCES,
  type ResourceKind,
  ROUTES,
  routeKey,
  STATE_MACHINES,
  type StateMachineSpec,
} from '../../infra/catalogue';
import { bindLocally } from '../../infra/local/binders';
import { groupsOf } from '../../shared/api/contract';

const ALL_ENV_NAMES = Object.values(RESOURCES).map((r) => r.env);
/** Each function's variables, derived from its grants as the local cloud derives them. */
const envOf = (id: string) =>
  bindLocally(functionById(id), RESOURCES, { region: 'eu-west-1', accountId: '123456789012', prefix: 'test', userPoolId: 'eu-west-1_test' }).env;

const ROOT = join(__dirname, '..', '..');
const PASCAL_CASE = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*$/;

/** Loads a handler module in a fresh registry with only the given environment variables set. */
async function loadWithEnv(entry: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const saved = { ...process.env };
  for (const name of ALL_ENV_NAMES) delete process.env[name];
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  try {
    let loaded: Record<string, unknown> | undefined;
    await jest.isolateModulesAsync(async () => {
      loaded = await import(join(ROOT, entry));
    });
    return loaded!;
  } finally {
    process.env = saved;
  }
}

describe('Catalogue', () => {
  describe('FUNCTIONS', () => {
    it('has unique ids', () => {
      // Prepare
      const ids = FUNCTIONS.map((f) => f.id);

      // Assess
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each(FUNCTIONS.map((f) => f.id))('names %s in PascalCase', (id) => {
      // Assess
      expect(id).toMatch(PASCAL_CASE);
    });

    it('has unique entry files', () => {
      // Prepare
      const entries = FUNCTIONS.map((f) => f.entry);

      // Assess
      expect(new Set(entries).size).toBe(entries.length);
    });

    describe.each(FUNCTIONS.map((spec) => ({ spec })))('Function: $spec.id', ({ spec }) => {
      it('has an entry file that exists', () => {
        // Assess
        expect(existsSync(join(ROOT, spec.entry))).toBe(true);
      });

      it('exports a handler function when given only the environment variables its grants set', async () => {
        // Prepare
        const env = envOf(spec.id);

        // Act
        const module = await loadWithEnv(spec.entry, env);

        // Assess
        expect(typeof module.handler).toBe('function');
      });

      it('fails its cold start when the variables of its grants are missing', async () => {
        // Prepare: proves the check above can fail, i.e. each load evaluates the module afresh.
        if (Object.keys(spec.grants).length === 0) return;

        // Act & Assess
        await expect(loadWithEnv(spec.entry, {})).rejects.toThrow(/^Missing environment variable /);
      });

      it('reads the variable of every resource it is granted, and of no other', () => {
        // Prepare: the resources of the requireEnv('<ResourceId>') calls in the handler (two stores on one table read it twice).
        const source = readFileSync(join(ROOT, spec.entry), 'utf8');
        const read = [...new Set([...source.matchAll(/requireEnv\('([A-Za-z]+)'\)/g)].map((m) => m[1]))].sort();
        // The rate limit's counters are read by the API handler chain (functions/lib/api-handler.ts), not the handler file.
        const own = Object.keys(spec.grants).filter((id) => id !== 'RateLimitTable');

        // Assess
        expect(read).toEqual(own.sort());
      });

      it('grants only registered resources, each with an access valid for its kind', () => {
        for (const [resourceId, access] of Object.entries(spec.grants as Record<string, Access>)) {
          const resource = (RESOURCES as Record<string, { kind: ResourceKind }>)[resourceId];
          expect(resource).toBeDefined();
          // A site grant is a link (its URL), a token issuer's a public key set to verify with, not permissions; every other grant allows some action.
          if (resource.kind === 'site' || resource.kind === 'apiEndpoint') expect(access).toBe('link');
          else if (resource.kind === 'tokenIssuer') expect(access).toBe('verify');
          else expect(actionsFor(resource.kind, access as never).length).toBeGreaterThan(0);
        }
      });
    });
  });

  describe('the per-caller rate limit', () => {
    it('grants the counters (UpdateItem only) to exactly the functions that serve a signed-in route', () => {
      const signedIn = new Set(ROUTES.filter((route) => route.auth !== 'none').map((route) => route.functionId));
      const counting = FUNCTIONS.filter((spec) => 'RateLimitTable' in spec.grants);
      expect(counting.map((spec) => spec.id).sort()).toEqual([...signedIn].sort());
      for (const spec of counting) expect((spec.grants as Record<string, Access>).RateLimitTable).toBe('count');
      expect(actionsFor('table', 'count')).toEqual(['dynamodb:UpdateItem']);
    });
  });

  describe('ROUTES', () => {
    it('has unique route keys', () => {
      // Prepare
      const keys = ROUTES.map(routeKey);

      // Assess
      expect(new Set(keys).size).toBe(keys.length);
    });

    it.each(ROUTES.map((route) => ({ key: routeKey(route), route })))('serves $key with an API function of the catalogue', ({ route }) => {
      // Act
      const spec = functionById(route.functionId);

      // Assess
      expect(spec.capability).toBe('api');
    });

    it('asks only for groups the user pool creates', () => {
      // Prepare
      const groups = ROUTES.flatMap((r) => groupsOf(r));

      // Assess
      expect(GROUPS.map((g) => g.name)).toEqual(expect.arrayContaining(groups));
    });

    it('keeps every admin path behind the admins group, or the reviewers (admins and artists) for the review gate', () => {
      // Prepare
      const adminRoutes = ROUTES.filter((r) => r.path.startsWith('/v1/admin/') || r.path === '/v1/admin');
      const reviewRoutes = adminRoutes.filter((r) => r.auth === 'reviewers');

      // Assess
      expect(adminRoutes.length).toBeGreaterThan(0);
      expect(adminRoutes.map((r) => r.auth)).toEqual(adminRoutes.map((r) => (r.auth === 'reviewers' ? 'reviewers' : 'admins')));
      // Only the review gate's routes let artists in.
      expect(reviewRoutes.map((r) => r.contract.tag).filter((tag) => tag !== 'review')).toEqual([]);
    });

    it('puts every route under /v1', () => {
      for (const route of ROUTES) expect(route.path).toMatch(/^\/v1\//);
    });

    it('keeps method, path and auth equal to the contract the route serves', () => {
      for (const route of ROUTES) {
        expect({ method: route.method, path: route.path, auth: route.auth }).toEqual({
          method: route.contract.method,
          path: route.contract.path,
          auth: route.contract.auth,
        });
      }
    });

    it("makes public (auth none) only the health check, the API document, browsing the marketplace and its credit packages, and Stripe's and fal's webhooks", () => {
      expect(ROUTES.filter((r) => r.auth === 'none').map(routeKey).sort()).toEqual([
        'GET /v1/billing/packages',
        'GET /v1/health',
        'GET /v1/openapi.json',
        'GET /v1/studios',
        'GET /v1/studios/{studioId}',
        'POST /v1/webhooks/fal',
        'POST /v1/webhooks/stripe',
      ]);
    });

    it('serves each route with a function of its own domain', () => {
      for (const domain of DOMAINS) {
        for (const route of domain.routes) expect(domain.functions.map((f) => f.id)).toContain(route.functionId);
      }
    });
  });

  describe('DOMAINS', () => {
    it('have unique lower-case ids that name their folder under functions/', () => {
      const ids = DOMAINS.map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const domain of DOMAINS) {
        expect(domain.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
        for (const fn of domain.functions) expect(fn.entry).toMatch(new RegExp(`^functions/${domain.id}/[a-z-]+\\.handler\\.ts$`));
      }
    });

    it('declare each state machine in the domain the registry names as its owner', () => {
      for (const domain of DOMAINS) {
        for (const machine of domain.stateMachines) {
          expect((RESOURCES as Record<string, { owner: unknown; kind: string }>)[machine.id]).toMatchObject({ kind: 'stateMachine', owner: { domain: domain.id } });
        }
      }
    });

    it('grant a domain only resources of shared stacks or of itself and earlier domains', () => {
      const order = DOMAINS.map((d) => d.id);
      for (const [position, domain] of DOMAINS.entries()) {
        for (const fn of domain.functions) {
          for (const resourceId of Object.keys(fn.grants)) {
            const owner = (RESOURCES as Record<string, { owner: string | { domain: string } }>)[resourceId].owner;
            if (typeof owner === 'string') continue;
            expect(order.indexOf(owner.domain)).toBeGreaterThanOrEqual(0);
            expect(order.indexOf(owner.domain)).toBeLessThanOrEqual(position);
          }
        }
      }
    });
  });

  describe('RESOURCES (the registry)', () => {
    it('gives every resource its own environment variable', () => {
      expect(new Set(ALL_ENV_NAMES).size).toBe(ALL_ENV_NAMES.length);
      for (const name of ALL_ENV_NAMES) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    });

    it('has a state machine entry for every workflow of the catalogue, and no orphan', () => {
      const registered = Object.entries(RESOURCES)
        .filter(([, r]) => r.kind === 'stateMachine')
        .map(([id]) => id)
        .sort();
      expect(registered).toEqual(STATE_MACHINES.map((m) => m.id).sort());
    });

    it.each([
      // API functions of signed-in routes also get the rate limit's counters.
      { id: 'CreateOrder', names: ['RATE_LIMIT_TABLE', 'TABLE_NAME'] },
      { id: 'GetOrder', names: ['ORDER_PIPELINE_ARN', 'RATE_LIMIT_TABLE', 'TABLE_NAME', 'UPLOADS_BUCKET'] },
      { id: 'ValidatePhoto', names: ['FACE_ANALYZER', 'TABLE_NAME', 'UPLOADS_BUCKET'] },
    ])("sets $id's environment from its grants alone", ({ id, names }) => {
      // Act
      const env = envOf(id);

      // Assess
      expect(Object.keys(env).sort()).toEqual(names);
    });

    it('names the local face adapter in the face detection variable', () => {
      // Act
      const env = envOf('ValidatePhoto');

      // Assess
      expect(env.FACE_ANALYZER).toBe('face-api');
    });
  });

  describe('Function: functionById', () => {
    it('throws for an id that is not in the catalogue', () => {
      // Act & Assess
      expect(() => functionById('Nope')).toThrow('No function "Nope" in the catalogue');
    });
  });

  describe('STATE_MACHINES', () => {
    it('has unique PascalCase ids', () => {
      // Prepare
      const ids = STATE_MACHINES.map((m) => m.id);

      // Assess
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(PASCAL_CASE);
    });
  });

  describe('state machine substitutions (checked by CDK and the local cloud alike)', () => {
    const spec: StateMachineSpec = { id: 'Test', definitionFile: 'test.asl.json', functionArns: { RunFunctionArn: 'Run' }, timeoutSeconds: 60 };

    it('lists each placeholder once, sorted', () => {
      expect(placeholdersOf('${B} ${A} ${B} $notOne {C}')).toEqual(['A', 'B']);
    });

    it('accepts a definition whose placeholders are exactly the substitutions', () => {
      expect(() => assertSubstitutions(spec, '{"FunctionName": "${RunFunctionArn}"}')).not.toThrow();
    });

    it('refuses a placeholder the catalogue does not substitute', () => {
      expect(() => assertSubstitutions(spec, '"${RunFunctionArn}" "${OtherFunctionArn}"')).toThrow(/OtherFunctionArn/);
    });

    it('refuses a substitution the definition never uses', () => {
      expect(() => assertSubstitutions(spec, '{"FunctionName": "arn:aws:lambda:us-east-1:1:function:Run"}')).toThrow(/differ from the catalogue/);
    });
  });
});
