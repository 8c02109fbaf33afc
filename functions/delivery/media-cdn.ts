import * as z from '#shared/validation';
import { type MediaLinks, mediaLinksSource, secretsManagerSigningKey } from './media-links';

/** The `MediaCdn` grant's variable: where the delivered images are served, and the secret holding the signing key. */
const mediaCdnSchema = z.object({ url: z.string().check(z.minLength(1)), secretArn: z.string().check(z.minLength(1)) });

/** How long a signed link to a delivered image or ZIP works. */
export const LINK_LIFETIME_SECONDS = 7 * 24 * 3600;

/** The signed links of a function granted `MediaCdn: 'sign'`, from the grant's variable (`MEDIA_CDN`). */
export function mediaLinksOf(raw: string): () => Promise<MediaLinks> {
  let parsed: z.output<typeof mediaCdnSchema>;
  try {
    parsed = mediaCdnSchema.parse(JSON.parse(raw));
  } catch (error) {
    throw new Error(`MEDIA_CDN must be JSON { "url", "secretArn" }: ${(error as Error).message}`, { cause: error });
  }
  return mediaLinksSource(parsed.url, secretsManagerSigningKey(parsed.secretArn));
}
