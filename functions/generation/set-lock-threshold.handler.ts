import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { setLockThreshold } from '#shared/api/generation';
import { SettingsStore } from './settings-store';

/** PUT /v1/admin/generation/identity-lock — an admin sets the identity lock's threshold for the images judged from now on. */
export const setLockThresholdHandler = ({ settings }: { readonly settings: Pick<SettingsStore, 'setIdentityThreshold'> }) =>
  apiHandler(setLockThreshold, async ({ body, caller }) => {
    const saved = await settings.setIdentityThreshold(body.threshold, caller.sub);
    logger.info('Identity lock threshold set', { threshold: saved.identityThreshold, by: caller.sub });
    return { threshold: saved.identityThreshold, updatedAt: saved.updatedAt!, updatedBy: saved.updatedBy! };
  });

export const handler = setLockThresholdHandler({ settings: new SettingsStore(ddb(), requireEnv('Table')) });
