import { S3Client } from '@aws-sdk/client-s3';
import type { PresignedPost } from '#shared/photos';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } as const;

/**
 * An S3 client with static credentials: presigning (URLs and POST policies)
 * signs locally and needs credentials, never a call. aws-sdk-client-mock
 * replaces its `send` where a test mocks S3Client.
 */
export const signingS3 = (): S3Client => new S3Client({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });

export interface PostPolicy {
  readonly expiration: string;
  readonly conditions: readonly (Record<string, string> | readonly [string, string | number, string | number])[];
}

/** The policy document a presigned POST carries, base64-decoded. */
export function policyOf(post: PresignedPost): PostPolicy {
  return JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString('utf8')) as PostPolicy;
}
