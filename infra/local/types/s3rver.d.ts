/** The part of s3rver's API the local cloud uses (the package ships no types). */
declare module 's3rver' {
  interface S3rverOptions {
    port?: number;
    address?: string;
    directory: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /**
   * One S3 event notification record, as s3rver builds it (lib/models/event.js) for every object
   * it creates (`ObjectCreated:Put` for PutObject, `ObjectCreated:Copy` for CopyObject,
   * `ObjectCreated:Post` for a form upload and a completed multipart upload alike) or deletes
   * (`ObjectRemoved:Delete`). The key is the key as stored, not URL-encoded.
   */
  interface S3NotificationRecord {
    eventVersion: string;
    eventSource: 'aws:s3';
    awsRegion: string;
    eventTime: string;
    eventName: 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:Post' | 'ObjectRemoved:Delete' | (string & {});
    userIdentity?: { principalId: string };
    requestParameters?: { sourceIPAddress?: string };
    responseElements?: { 'x-amz-request-id'?: string; 'x-amz-id-2'?: string };
    s3: {
      s3SchemaVersion: string;
      configurationId: string;
      bucket: { name: string; ownerIdentity?: { principalId: string }; arn: string };
      object: { key: string; size?: number; eTag?: string; sequencer: string };
    };
  }

  /** What s3rver emits as `event` on itself (a Koa application, so an EventEmitter). */
  interface S3NotificationEvent {
    Records: S3NotificationRecord[];
  }

  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: S3NotificationEvent) => void): this;
    off(event: 'event', listener: (event: S3NotificationEvent) => void): this;
  }
  namespace S3rver {
    export { S3NotificationEvent, S3NotificationRecord, S3rverOptions };
  }
  export = S3rver;
}
