import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertSubstitutions, ENV, FUNCTIONS, functionById, GROUPS, placeholdersOf, ROUTES, routeKey, STATE_MACHINES, type StateMachineSpec } from '../../infra/catalogue';
import { TEST_ENV } from './helpers/env';

const ROOT = join(__dirname, '..', '..');
const PASCAL_CASE = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*$/;

/** Loads a handler module in a fresh registry with only the given environment variables set. */
async function loadWithEnv(entry: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const saved = { ...process.env };
  for (const name of Object.values(ENV)) delete process.env[name];
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

      it('exports a handler function when given only the environment variables it declares', async () => {
        // Prepare
        const env = Object.fromEntries(spec.env.map((key) => [ENV[key], TEST_ENV[ENV[key]]]));

        // Act
        const module = await loadWithEnv(spec.entry, env);

        // Assess
        expect(typeof module.handler).toBe('function');
      });

      it('fails its cold start when the variables it declares are missing', async () => {
        // Prepare: proves the check above can fail, i.e. each load evaluates the module afresh.
        if (spec.env.length === 0) return;

        // Act & Assess
        await expect(loadWithEnv(spec.entry, {})).rejects.toThrow(/^Missing environment variable /);
      });

      it('is granted the order pipeline exactly when it reads its ARN', () => {
        // Assess
        expect(spec.env.includes('orderPipelineArn')).toBe(spec.grants.orderPipeline !== undefined);
      });
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
      const groups = ROUTES.flatMap((r) => (r.group ? [r.group] : []));

      // Assess
      expect(GROUPS.map((g) => g.name)).toEqual(expect.arrayContaining(groups));
    });

    it('keeps every admin path behind the admins group', () => {
      // Prepare
      const adminRoutes = ROUTES.filter((r) => r.path.startsWith('/admin/') || r.path === '/admin');

      // Assess
      expect(adminRoutes.length).toBeGreaterThan(0);
      expect(adminRoutes.map((r) => r.group)).toEqual(adminRoutes.map(() => 'admins'));
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
