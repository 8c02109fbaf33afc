import '../../helpers/env';
import { setLockThresholdHandler } from '#functions/generation/set-lock-threshold.handler';
import { IDENTITY_THRESHOLD_RANGE } from '#shared/api/generation';
import { ADMIN_SUB, adminClaims, customerClaims, type Claims, invoke, makeEvent } from '../../helpers/events';

/** The identity lock's threshold an admin sets: within 0.4..0.95, each end refused with why, nothing stored when refused. */
describe('Function: SetLockThreshold', () => {
  const put = (body: unknown, claims: Claims = adminClaims) => makeEvent({ routeKey: 'PUT /v1/admin/generation/identity-lock', claims, body });
  const setup = () => {
    const saved: number[] = [];
    const handler = setLockThresholdHandler({
      settings: {
        setIdentityThreshold: async (threshold, updatedBy) => {
          saved.push(threshold);
          return { identityThreshold: threshold, updatedAt: '2030-01-01T00:00:00.000Z', updatedBy };
        },
      },
    });
    return { saved, handler };
  };

  it.each([IDENTITY_THRESHOLD_RANGE.min, 0.65, IDENTITY_THRESHOLD_RANGE.max])('stores %s, an end of the range included', async (threshold) => {
    const { saved, handler } = setup();
    const res = await invoke(handler, put({ threshold }));
    expect(res).toMatchObject({ statusCode: 200, body: { threshold, updatedBy: ADMIN_SUB } });
    expect(saved).toEqual([threshold]);
  });

  it.each<[unknown, RegExp]>([
    [0.39, /at least 0.4: below it, other people pass/],
    [0.951, /at most 0.95: above it, even the customer rarely passes/],
    ['0.7', /threshold must be a number/],
    [null, /threshold must be a number/],
  ])('refuses %p with a reason, storing nothing', async (threshold, message) => {
    const { saved, handler } = setup();
    const res = await invoke(handler, put({ threshold }));
    expect(res).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringMatching(message) } });
    expect(saved).toEqual([]);
  });

  it('refuses an unknown field and a caller outside the admins', async () => {
    const { saved, handler } = setup();
    expect(await invoke(handler, put({ threshold: 0.7, engine: 'fast' }))).toMatchObject({ statusCode: 400 });
    expect(await invoke(handler, put({ threshold: 0.7 }, customerClaims))).toMatchObject({ statusCode: 403, body: { code: 'FORBIDDEN' } });
    expect(saved).toEqual([]);
  });
});
