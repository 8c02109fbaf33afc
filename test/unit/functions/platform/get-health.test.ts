import '../../helpers/env';
import { handler } from '#functions/platform/get-health.handler';
import { API_VERSION } from '#shared/api/version';
import { customerClaims, invoke, makeEvent } from '../../helpers/events';

describe('Function: GetHealth', () => {
  it('answers 200 with the API version to a caller without claims (public)', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/health', claims: null }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ status: 'ok', version: API_VERSION });
  });

  it('answers a signed-in caller the same', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/health', claims: customerClaims }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ status: 'ok', version: API_VERSION });
  });

  it('answers JSON that is never cached', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/health', claims: null }));

    // Assess
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it('answers 400 UNKNOWN_PARAMETER for a query parameter', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/health', claims: null, queryStringParameters: { deep: 'true' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
  });
});
