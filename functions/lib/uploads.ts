import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedPost } from '#shared/photos';

/** How long a browser has to start an upload it was handed. */
export const UPLOAD_WINDOW_SECONDS = 15 * 60;
/** How long a signed link to a photo or image stays valid. */
export const DOWNLOAD_LINK_SECONDS = 60 * 60;

export interface UploadSpec {
  readonly bucket: string;
  /** The one key the upload may write. */
  readonly key: string;
  /** The one Content-Type it may carry (checked against an allow-list by the route's schema). */
  readonly contentType: string;
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** `x-amz-meta-*` values the upload must carry unchanged. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * A presigned POST for exactly one object: S3 refuses the upload unless the
 * key, the Content-Type and the size (1 byte to `maxBytes`) match, within
 * {@link UPLOAD_WINDOW_SECONDS}. `createPresignedPost` adds the bucket, key
 * and signature conditions itself.
 */
export function presignUpload(s3: S3Client, spec: UploadSpec): Promise<PresignedPost> {
  const metadata = Object.entries(spec.metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value] as const);
  return createPresignedPost(s3, {
    Bucket: spec.bucket,
    Key: spec.key,
    Conditions: [
      ['content-length-range', 1, spec.maxBytes],
      ['eq', '$Content-Type', spec.contentType],
      ...metadata.map(([field, value]) => ['eq', `$${field}`, value] as ['eq', string, string]),
    ],
    Fields: { 'Content-Type': spec.contentType, ...Object.fromEntries(metadata) },
    Expires: UPLOAD_WINDOW_SECONDS,
  });
}

/** A short-lived link to read one object. */
export function signedDownload(s3: S3Client, bucket: string, key: string): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: DOWNLOAD_LINK_SECONDS });
}
