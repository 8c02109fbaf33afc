import { apiHandler } from '#lib/api-handler';
import { API_VERSION } from '#shared/api/version';
import { getHealth } from '#shared/api/platform';

/** GET /v1/health — public: the API answers, and which version it is. */
export const handler = apiHandler(getHealth, async () => ({ status: 'ok' as const, version: API_VERSION }));
