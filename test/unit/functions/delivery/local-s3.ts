import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver on a free port over a temporary directory, with a path-style client and the given buckets. */
export interface LocalS3 {
  readonly endpoint: string;
  readonly s3: S3Client;
  stop(): Promise<void>;
}

export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'headshot-delivery-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver knows only its own key pair.
  const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  for (const Bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket }));
  return {
    endpoint,
    s3,
    stop: async () => {
      s3.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
