import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { WebConfig } from '../../web/config';
import { contentSecurityPolicy } from '../security-headers';
import type { Outbox } from './mail/outbox';
import { outboxRoute } from './mail/page';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};


export interface WebOptions {
  /** The built site (kept apart from web/dist so several local clouds can run at once). */
  readonly outDir: string;
  readonly port: number;
  readonly config: WebConfig;
  /** The S3 front browsers upload to and read signed links from, as the site's CSP allows the buckets on AWS. */
  readonly s3Url: string;
  /** The local media distribution, where delivered images are shown from (as the CSP allows the CloudFront one on AWS). */
  readonly mediaUrl?: string;
  /** The local outbox, shown at `/outbox` (mail never leaves the machine). */
  readonly outbox?: Outbox;
  readonly log: (line: string) => void;
}

/** Serves the built web app with its `/config.json`, as CloudFront serves the S3 site. */
export async function serveWeb(options: WebOptions): Promise<Server> {
  const config = JSON.stringify(options.config);
  // The headers the CloudFront response headers policy adds (HSTS aside: this site is plain http).
  const SECURITY_HEADERS = {
    'content-security-policy': contentSecurityPolicy({
      connectSources: [options.config.apiUrl, options.config.cognitoEndpoint.replace(/\/$/, ''), options.s3Url],
      imageSources: [options.s3Url, ...(options.mediaUrl ? [options.mediaUrl] : [])],
      upgradeInsecureRequests: false,
    }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
  const server = createServer(async (req, res) => {
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      // A malformed %-escape: answered, never left hanging by a throw in this async handler.
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const mail = options.outbox ? outboxRoute(options.outbox, path, new URL(req.url ?? '/', 'http://local').searchParams) : undefined;
    if (mail) {
      // A message's own HTML may not run scripts or load anything: it is shown as the mail client would.
      const headers =
        mail.type === 'mail'
          ? { ...SECURITY_HEADERS, 'content-security-policy': "default-src 'none'; img-src data: https:; style-src 'unsafe-inline'", 'content-type': TYPES['.html'] }
          : { ...SECURITY_HEADERS, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'", 'content-type': mail.type === 'json' ? TYPES['.json'] : TYPES['.html'] };
      res.writeHead(mail.status, { ...headers, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : mail.body);
      return;
    }
    if (path === '/config.json') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES['.json'], 'cache-control': 'no-store' }).end(config);
      return;
    }
    const file = normalize(join(options.outDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(options.outDir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      // The app routes with the URL hash, so every real path is a file; anything else is missing.
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return server;
}
