import type { S3Client } from '@aws-sdk/client-s3';
import { signedDownload } from '#lib/uploads';
import type { Studios } from './studio-store';
import type { SignImage } from './studio-views';

/** What every studio handler is built from; tests pass fakes. */
export interface StudioDeps {
  readonly studios: Studios;
  readonly sign: SignImage;
}

/** Signs links to the studio media bucket. */
export const signerFor = (s3: S3Client, bucket: string): SignImage => (key) => signedDownload(s3, bucket, key);
