import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { type SecretSeed, SecretsManagerError, SecretStore } from './store';

export { type SecretSeed, SecretsManagerError, SecretStore } from './store';

/** Secrets Manager speaks AWS JSON 1.1: `POST /` with `X-Amz-Target: secretsmanager.<Operation>`. */
const TARGET_PREFIX = 'secretsmanager.';
const MAX_BODY_BYTES = 1024 * 1024;

export interface LocalSecretsManagerOptions {
  readonly region: string;
  readonly accountId: string;
  /** Created (or given this value) on start. */
  readonly secrets?: readonly SecretSeed[];
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface LocalSecretsManager {
  readonly url: string;
  readonly store: SecretStore;
  close(): Promise<void>;
}

/**
 * A local stand-in of AWS Secrets Manager for the calls the functions and the
 * tools make (GetSecretValue, DescribeSecret, PutSecretValue, CreateSecret),
 * on 127.0.0.1. Functions reach it through an authorizing proxy, which
 * refuses what their grants do not allow; this server trusts its caller.
 */
export async function startLocalSecretsManager(options: LocalSecretsManagerOptions): Promise<LocalSecretsManager> {
  const store = new SecretStore(options.region, options.accountId);
  for (const seed of options.secrets ?? []) store.seed(seed);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const requestId = randomUUID();
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify(body));
      };
      try {
        const target = String(req.headers['x-amz-target'] ?? '');
        if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
          throw new SecretsManagerError('UnknownOperationException', 'Send AWS JSON 1.1 requests: POST with X-Amz-Target: secretsmanager.<Operation>.');
        }
        if (size > MAX_BODY_BYTES) throw new SecretsManagerError('SerializationException', 'The request body is too large.');
        const text = Buffer.concat(chunks).toString('utf8');
        let input: unknown;
        try {
          input = text ? JSON.parse(text) : {};
        } catch {
          throw new SecretsManagerError('SerializationException', 'The request body is not valid JSON.');
        }
        if (!input || typeof input !== 'object' || Array.isArray(input)) throw new SecretsManagerError('SerializationException', 'The request body must be a JSON object.');
        reply(200, store.handle(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>));
      } catch (error) {
        if (error instanceof SecretsManagerError) reply(error.status, { __type: error.type, Message: error.message });
        else reply(500, { __type: 'InternalServiceError', Message: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
