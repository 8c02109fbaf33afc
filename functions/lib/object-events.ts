import * as z from '#shared/validation';

/**
 * S3's "Object Created" event as EventBridge delivers it to a Lambda target
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), and as
 * the local S3 front delivers it. Only the fields the functions read are
 * required; the rest pass through.
 */
export const objectCreatedEventSchema = z.object({
  'detail-type': z.literal('Object Created'),
  source: z.literal('aws.s3'),
  time: z.string(),
  region: z.string(),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      /** URL-encoded in S3 event notifications, but not in EventBridge events: the key as stored. */
      key: z.string(),
      size: z.optional(z.number()),
      etag: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
    /** `PutObject`, `POST Object`, `CopyObject` or `CompleteMultipartUpload`. */
    reason: z.optional(z.string()),
  }),
});
export type ObjectCreatedEvent = z.output<typeof objectCreatedEventSchema>;
