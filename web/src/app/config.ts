import * as z from '../../../shared/validation';
import type { WebConfig } from '../../config';

const configSchema = z.object({
  apiUrl: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  cognitoEndpoint: z.string().check(z.minLength(1)),
  userPoolClientId: z.string().check(z.minLength(1)),
});

/** Fetches `/config.json`, written next to the site by CDK on AWS and served by the local cloud. */
export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = configSchema.parse(await response.json());
  return { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
}
