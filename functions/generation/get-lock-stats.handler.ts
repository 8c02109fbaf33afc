import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { getLockStats } from '#shared/api/generation';
import { ImageStore } from './image-store';
import { type GenerationSettingsSource, SettingsStore } from './settings-store';

/** GET /v1/admin/generation/identity-lock — the identity lock's rejection rate per engine and style, worst first. */
export const getLockStatsHandler = ({ images, settings }: { readonly images: Pick<ImageStore, 'lockStats'>; readonly settings: GenerationSettingsSource }) =>
  apiHandler(getLockStats, async () => {
    const rows = (await images.lockStats()).map((row) => ({ ...row, rejectionRate: row.judged ? Math.round((row.rejected / row.judged) * 1000) / 1000 : 0 }));
    rows.sort((a, b) => b.rejectionRate - a.rejectionRate || a.engine.localeCompare(b.engine) || a.styleId.localeCompare(b.styleId));
    return { threshold: (await settings.get()).identityThreshold, rows };
  });

export const handler = getLockStatsHandler({ images: new ImageStore(ddb(), requireEnv('Table')), settings: new SettingsStore(ddb(), requireEnv('Table')) });
