import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { pageSize } from '#shared/api/paging';
import { listStudios } from '#shared/api/studios';
import { signerFor, type StudioDeps } from './deps';
import { StudioStore } from './studio-store';
import { toSummary } from './studio-views';

/** GET /v1/studios?tag=…&limit=…&cursor=… — the marketplace, by name, with every tag in use. */
export const listStudiosHandler = ({ studios, sign }: StudioDeps) =>
  apiHandler(listStudios, async ({ query }) => {
    const [page, tags] = await Promise.all([studios.list({ limit: pageSize(query.limit), cursor: query.cursor, tag: query.tag }), studios.allTags()]);
    return { studios: await Promise.all(page.items.map((studio) => toSummary(studio, sign))), nextCursor: page.nextCursor, tags };
  });

export const handler = listStudiosHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), sign: signerFor(s3Client(), requireEnv('StudioMediaBucket')) });
