import type { IncomingMessage } from 'node:http';

/**
 * A stand-in's request body as text, refusing one larger than `maxBytes` with
 * the error the service it stands in for answers (`tooLarge`), without reading
 * the rest.
 */
export function readTextBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
