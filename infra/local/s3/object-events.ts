import { randomBytes, randomUUID } from 'node:crypto';
import type { ObjectEventSpec } from '../../catalogue';
import { type LocalContext, localName } from '../binders';
import type { S3NotificationEvent, S3NotificationRecord } from 's3rver';

/**
 * S3's "Object Created" events, delivered locally as EventBridge delivers them
 * to a Lambda target on AWS (the bucket sends its events to EventBridge; a rule
 * per `ObjectEventSpec` matches the bucket and the key prefix): the event in
 * EventBridge's shape (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html),
 * each subscribed function invoked asynchronously, so the upload never waits for
 * it, and a function error retried twice, as Lambda's asynchronous invocation
 * does (one minute before the second attempt, two before the third), then logged.
 */

/** What emits S3 notification records: the s3rver instance (its `event`, for every object it creates or deletes). */
export interface NotificationSource {
  on(event: 'event', listener: (event: S3NotificationEvent) => void): unknown;
  off(event: 'event', listener: (event: S3NotificationEvent) => void): unknown;
}

/** Why an object was created: the `reason` S3 gives in the event's detail. */
export type CreationReason = 'PutObject' | 'POST Object' | 'CopyObject' | 'CompleteMultipartUpload';

/**
 * The form uploads (POST Object) the S3 front is forwarding. s3rver reports both a form upload
 * and a completed multipart upload as `ObjectCreated:Post`; the front announces each form upload
 * before forwarding it, so its event says "POST Object" and a multipart completion's
 * "CompleteMultipartUpload", as on AWS.
 */
export class PostObjectUploads {
  private readonly pending = new Map<string, number>();

  /** Announces a form upload of `key`; call the returned function once s3rver has answered. */
  announce(bucket: string, key: string): () => void {
    const id = `${bucket}/${key}`;
    this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.take(bucket, key);
    };
  }

  /** Whether a form upload of `key` is in flight. */
  has(bucket: string, key: string): boolean {
    return (this.pending.get(`${bucket}/${key}`) ?? 0) > 0;
  }

  private take(bucket: string, key: string): void {
    const id = `${bucket}/${key}`;
    const count = (this.pending.get(id) ?? 0) - 1;
    if (count > 0) this.pending.set(id, count);
    else this.pending.delete(id);
  }
}

/** The EventBridge event S3 sends for a created object. */
export interface ObjectCreatedEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly version: '0';
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly size?: number; readonly etag?: string; readonly sequencer: string };
    readonly 'request-id': string;
    readonly requester: string;
    readonly 'source-ip-address': string;
    readonly reason: CreationReason;
  };
}

/** The reason of an s3rver record, or undefined when it is not a creation. */
export function creationReason(record: S3NotificationRecord, postObjects?: PostObjectUploads): CreationReason | undefined {
  switch (record.eventName) {
    case 'ObjectCreated:Put':
      return 'PutObject';
    case 'ObjectCreated:Copy':
      return 'CopyObject';
    case 'ObjectCreated:Post':
      return postObjects && !postObjects.has(record.s3.bucket.name, record.s3.object.key) ? 'CompleteMultipartUpload' : 'POST Object';
    default:
      return undefined;
  }
}

/** The EventBridge "Object Created" event of one s3rver notification record. */
export function objectCreatedEvent(record: S3NotificationRecord, reason: CreationReason, ctx: Pick<LocalContext, 'region' | 'accountId'>, now = new Date()): ObjectCreatedEvent {
  const { bucket, object } = record.s3;
  const etag = object.eTag?.replace(/"/g, '');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ctx.accountId,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ctx.region,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail: {
      version: '0',
      bucket: { name: bucket.name },
      // s3rver names the key as stored (EventBridge does not URL-encode it, unlike S3 notifications).
      object: { key: object.key, ...(object.size !== undefined ? { size: Number(object.size) } : {}), ...(etag ? { etag } : {}), sequencer: object.sequencer },
      'request-id': record.responseElements?.['x-amz-request-id'] ?? randomBytes(8).toString('hex').toUpperCase(),
      // Every local caller is of this account: a function's role or the cloud itself.
      requester: ctx.accountId,
      'source-ip-address': record.requestParameters?.sourceIPAddress ?? '127.0.0.1',
      reason,
    },
  };
}

/** Subscriptions matching an event: the bucket's local name and the key's prefix. */
export function subscribers(specs: readonly ObjectEventSpec[], prefix: string, bucket: string, key: string): ObjectEventSpec[] {
  return specs.filter((spec) => localName(spec.bucket, prefix) === bucket && key.startsWith(spec.prefix));
}

export interface ObjectEventDeliveryOptions {
  readonly source: NotificationSource;
  readonly specs: readonly ObjectEventSpec[];
  readonly context: Pick<LocalContext, 'region' | 'accountId' | 'prefix'>;
  /** Invokes a function by ID (LocalFunctions.invoke); a rejection is a function error. */
  readonly invoke: (functionId: string, payload: unknown) => Promise<unknown>;
  /** Tells form uploads from multipart completions (both `ObjectCreated:Post` in s3rver). */
  readonly postObjects?: PostObjectUploads;
  /** Waits before the second and the third attempt: Lambda's one and two minutes by default. */
  readonly retryDelaysMs?: readonly number[];
  /** Told of an event dropped after its last attempt failed. */
  readonly log?: (line: string) => void;
}

export interface ObjectEventDelivery {
  /** Stops listening and drops the retries not yet made. */
  stop(): void;
  /** Resolves once every delivery started so far has succeeded or been dropped. */
  settled(): Promise<void>;
}

/** Lambda's asynchronous invocation: two retries, one minute and then two minutes after a function error. */
export const LAMBDA_ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;

/** Delivers every "Object Created" event of `source` to the functions subscribed to its bucket and prefix. */
export function deliverObjectEvents(options: ObjectEventDeliveryOptions): ObjectEventDelivery {
  const delays = options.retryDelaysMs ?? LAMBDA_ASYNC_RETRY_DELAYS_MS;
  const log = options.log ?? ((line: string) => console.error(line));
  /** Retries waiting for their delay: stopping resolves them with false. */
  const waiting = new Map<NodeJS.Timeout, (go: boolean) => void>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const wait = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(false);
      const timer = setTimeout(() => {
        waiting.delete(timer);
        resolve(!stopped);
      }, ms);
      waiting.set(timer, resolve);
    });

  const deliver = async (functionId: string, event: ObjectCreatedEvent) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await options.invoke(functionId, event);
        return;
      } catch (error) {
        if (attempt >= delays.length) {
          log(`  ${functionId} failed on the Object Created event of s3://${event.detail.bucket.name}/${event.detail.object.key} after ${attempt + 1} attempts; the event is dropped: ${(error as Error).message}`);
          return;
        }
        if (!(await wait(delays[attempt]))) return;
      }
    }
  };

  const listener = (notification: S3NotificationEvent) => {
    for (const record of notification.Records ?? []) {
      const reason = creationReason(record, options.postObjects);
      if (!reason) continue;
      const targets = subscribers(options.specs, options.context.prefix, record.s3.bucket.name, record.s3.object.key);
      if (!targets.length) continue;
      const event = objectCreatedEvent(record, reason, options.context);
      for (const target of targets) {
        // Never on the upload's path: the event goes out after s3rver's answer, as EventBridge's does.
        const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(target.functionId, event));
        inFlight.add(delivery);
        void delivery.finally(() => inFlight.delete(delivery));
      }
    }
  };
  options.source.on('event', listener);
  return {
    stop: () => {
      stopped = true;
      options.source.off('event', listener);
      for (const [timer, resolve] of waiting) {
        clearTimeout(timer);
        resolve(false);
      }
      waiting.clear();
    },
    settled: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
