import type { ApiEvent } from './api-handler';

/**
 * A webhook's body exactly as its sender signed it. HTTP APIs pass a JSON
 * body as text and anything else base64-encoded (`isBase64Encoded`); either
 * way no parser has touched it (webhook routes run no JSON body parser).
 */
export function rawBody(event: Pick<ApiEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}
