import '../helpers/env';
import * as z from '../../../shared/validation';
import { handler as getMe } from '../../../functions/api/get-me';
import { handler as listOrderQueue } from '../../../functions/api/list-order-queue';
import { HttpError, parseBody, parseGroups } from '../../../functions/lib/http';
import { adminClaims, CUSTOMER_SUB, customerClaims, invoke, makeEvent } from '../helpers/events';

describe('Function: parseGroups', () => {
  it('reads the bracketed, space-separated string HTTP APIs flatten arrays into', () => {
    // Act
    const groups = parseGroups('[admins artists]');

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it('reads a comma-separated list', () => {
    // Act
    const groups = parseGroups('admins,artists');

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it('reads a comma-and-space-separated list', () => {
    // Act
    const groups = parseGroups('admins, artists');

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it('reads a single group in brackets', () => {
    // Act
    const groups = parseGroups('[admins]');

    // Assess
    expect(groups).toEqual(['admins']);
  });

  it('keeps a real array as strings', () => {
    // Act
    const groups = parseGroups(['admins', 'artists']);

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it.each([
    { claim: undefined, case: 'missing' },
    { claim: '', case: 'empty string' },
    { claim: '   ', case: 'blank string' },
    { claim: '[]', case: 'empty brackets' },
    { claim: [], case: 'empty array' },
    { claim: 42, case: 'not a string' },
  ])('returns no groups when the claim is $case', ({ claim }) => {
    // Act
    const groups = parseGroups(claim);

    // Assess
    expect(groups).toEqual([]);
  });
});

describe('Function: parseBody', () => {
  const schema = z.strictObject({ name: z.string() });

  it('returns the parsed and validated JSON body', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', body: { name: 'Ada' } });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Ada' });
  });

  it('answers 400 when the body is missing', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', headers: { 'content-type': 'application/json' } });

    // Act & Assess
    expect(() => parseBody(event, schema)).toThrow(
      expect.objectContaining({ statusCode: 400, message: 'The request needs a JSON body.' }),
    );
  });

  it('answers 415 when the content type is not JSON', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', body: 'name=Ada', headers: { 'content-type': 'text/plain' } });

    // Act & Assess
    expect(() => parseBody(event, schema)).toThrow(expect.objectContaining({ statusCode: 415 }));
  });

  it('answers 415 when the content type header is absent', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', body: { name: 'Ada' }, headers: {} });

    // Act & Assess
    expect(() => parseBody(event, schema)).toThrow(expect.objectContaining({ statusCode: 415 }));
  });

  it('accepts a JSON content type with a charset', () => {
    // Prepare
    const event = makeEvent({
      routeKey: 'POST /orders',
      body: { name: 'Ada' },
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Ada' });
  });

  it('answers 400 when the body is not valid JSON', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', body: '{"name": ' });

    // Act & Assess
    expect(() => parseBody(event, schema)).toThrow(
      expect.objectContaining({ statusCode: 400, message: 'The request body is not valid JSON.' }),
    );
  });

  it('decodes a base64-encoded body', () => {
    // Prepare
    const event = makeEvent({
      routeKey: 'POST /orders',
      body: Buffer.from(JSON.stringify({ name: 'Zoë' }), 'utf8').toString('base64'),
      headers: { 'content-type': 'application/json' },
      isBase64Encoded: true,
    });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Zoë' });
  });

  it('answers 400 with the schema issues when the body does not match', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /orders', body: { name: 7 } });

    // Act
    const thrown = (() => {
      try {
        parseBody(event, schema);
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^name: /) });
  });
});

describe('Function: apiHandler', () => {
  it('passes the caller from the JWT claims to the handler', async () => {
    // Prepare
    const event = makeEvent({ routeKey: 'GET /me', claims: { ...customerClaims, 'cognito:groups': '[artists]' } });

    // Act
    const response = await invoke(getMe, event);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, email: 'ada@example.com', groups: ['artists'] });
  });

  it('answers JSON that is never cached', async () => {
    // Act
    const response = await invoke(getMe, makeEvent({ routeKey: 'GET /me' }));

    // Assess
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it('answers 401 when the event carries no claims', async () => {
    // Prepare
    const event = makeEvent({ routeKey: 'GET /me', claims: null });

    // Act
    const response = await invoke(getMe, event);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ message: 'Sign in to use this route.' });
  });

  it('answers 401 when the claims have no subject', async () => {
    // Prepare
    const event = makeEvent({ routeKey: 'GET /me', claims: { email: 'ada@example.com' } });

    // Act
    const response = await invoke(getMe, event);

    // Assess
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 when a customer calls an admins route', async () => {
    // Prepare
    const event = makeEvent({ routeKey: 'GET /admin/orders', claims: customerClaims });

    // Act
    const response = await invoke(listOrderQueue, event);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({ message: 'This route is for the admins group only.' });
  });

  it('answers 403 when a member of another group calls an admins route', async () => {
    // Prepare
    const event = makeEvent({ routeKey: 'GET /admin/orders', claims: { ...customerClaims, 'cognito:groups': '[artists]' } });

    // Act
    const response = await invoke(listOrderQueue, event);

    // Assess
    expect(response.statusCode).toBe(403);
  });

  it('lets a member of the group through to the handler', async () => {
    // Prepare: an invalid query proves the handler itself ran (it answers 400, not 403).
    const event = makeEvent({
      routeKey: 'GET /admin/orders',
      claims: adminClaims,
      queryStringParameters: { status: 'NOPE' },
    });

    // Act
    const response = await invoke(listOrderQueue, event);

    // Assess
    expect(response.statusCode).toBe(400);
  });
});
