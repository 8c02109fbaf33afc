import { apiHandler } from '#lib/api-handler';
import { listCreditPackages } from '#shared/api/billing';
import { CREDIT_PACKAGES } from '#shared/billing';

/** GET /v1/billing/packages — public: the credit packages on sale. */
export const handler = apiHandler(listCreditPackages, async () => ({ packages: CREDIT_PACKAGES.map((pkg) => ({ ...pkg })) }));
