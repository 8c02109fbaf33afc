import { EventEmitter } from 'node:events';
import type { S3NotificationEvent, S3NotificationRecord } from 's3rver';
import type { ObjectEventSpec } from '../../../infra/catalogue';
import { deliverObjectEvents, type ObjectCreatedEvent, PostObjectUploads } from '../../../infra/local/s3/object-events';
import { objectCreatedEventSchema } from '../../../functions/lib/object-events';

const CONTEXT = { region: 'us-east-1', accountId: '000000000000', prefix: 'headshot-studio' };
const SPECS: ObjectEventSpec[] = [
  { bucket: 'UploadsBucket', prefix: 'originals/', functionId: 'ValidatePhoto' },
  { bucket: 'UploadsBucket', prefix: 'originals/vip/', functionId: 'NotifyVip' },
  { bucket: 'OutputsBucket', prefix: '', functionId: 'IndexOutput' },
];

/** A record as s3rver's S3Event builds it (lib/models/event.js). */
function record(eventName: string, bucket: string, key: string, object: Partial<S3NotificationRecord['s3']['object']> = {}): S3NotificationRecord {
  return {
    eventVersion: '2.0',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName,
    userIdentity: { principalId: 'AWS:ABC' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'A1B2C3D4E5F60718', 'x-amz-id-2': 'id2' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'testConfigId',
      bucket: { name: bucket, ownerIdentity: { principalId: 'X' }, arn: `arn:aws:s3: : :${bucket}` },
      object: { key, sequencer: '18C2B3A4D5E', size: 1234, eTag: '5d41402abc4b2a76b9719d911017c592', ...object },
    },
  };
}

function setup(options: { fail?: (functionId: string, attempt: number) => boolean; postObjects?: PostObjectUploads; retryDelaysMs?: number[] } = {}) {
  const source = new EventEmitter();
  const calls: { functionId: string; event: ObjectCreatedEvent; at: number }[] = [];
  const logs: string[] = [];
  const delivery = deliverObjectEvents({
    source: source as unknown as Parameters<typeof deliverObjectEvents>[0]['source'],
    specs: SPECS,
    context: CONTEXT,
    postObjects: options.postObjects,
    retryDelaysMs: options.retryDelaysMs ?? [20, 40],
    log: (line) => logs.push(line),
    invoke: async (functionId, payload) => {
      const attempt = calls.filter((c) => c.functionId === functionId).length;
      calls.push({ functionId, event: payload as ObjectCreatedEvent, at: Date.now() });
      if (options.fail?.(functionId, attempt)) throw new Error(`{"errorType":"Error","errorMessage":"attempt ${attempt} failed"}`);
      return null;
    },
  });
  const emit = (...records: S3NotificationRecord[]) => source.emit('event', { Records: records } satisfies S3NotificationEvent);
  return { source, calls, logs, delivery, emit };
}

describe("S3's Object Created events, delivered to the subscribed functions as EventBridge delivers them", () => {
  it('builds the EventBridge "Object Created" event, which the handlers\' schema parses', async () => {
    const { calls, delivery, emit } = setup();
    emit(record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/order 1/selfie+1.jpg'));
    await delivery.settled();
    expect(calls).toHaveLength(1);
    const { event } = calls[0];
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'us-east-1',
      resources: ['arn:aws:s3:::headshot-studio-uploads'],
      detail: {
        version: '0',
        bucket: { name: 'headshot-studio-uploads' },
        object: { key: 'originals/order 1/selfie+1.jpg', size: 1234, etag: '5d41402abc4b2a76b9719d911017c592', sequencer: '18C2B3A4D5E' },
        'request-id': 'A1B2C3D4E5F60718',
        requester: '000000000000',
        'source-ip-address': '127.0.0.1',
        reason: 'PutObject',
      },
    });
    const parsed = objectCreatedEventSchema.parse(JSON.parse(JSON.stringify(event)));
    expect(parsed.detail.object.key).toBe('originals/order 1/selfie+1.jpg');
    delivery.stop();
  });

  it('invokes only the functions whose bucket and prefix match, each once', async () => {
    const { calls, delivery, emit } = setup();
    emit(
      record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/vip/a.jpg'),
      record('ObjectCreated:Put', 'headshot-studio-uploads', 'manifests/order-1.json'),
      record('ObjectCreated:Put', 'headshot-studio-outputs', 'orders/o1/summary.json'),
      record('ObjectCreated:Put', 'other-bucket', 'originals/a.jpg'),
      record('ObjectRemoved:Delete', 'headshot-studio-uploads', 'originals/b.jpg'),
    );
    await delivery.settled();
    expect(calls.map((c) => `${c.functionId} ${c.event.detail.bucket.name}/${c.event.detail.object.key}`).sort()).toEqual([
      'IndexOutput headshot-studio-outputs/orders/o1/summary.json',
      'NotifyVip headshot-studio-uploads/originals/vip/a.jpg',
      'ValidatePhoto headshot-studio-uploads/originals/vip/a.jpg',
    ]);
    delivery.stop();
  });

  it('gives S3\'s reason for each route: PutObject, CopyObject, POST Object and CompleteMultipartUpload', async () => {
    const postObjects = new PostObjectUploads();
    const { calls, delivery, emit } = setup({ postObjects });
    const done = postObjects.announce('headshot-studio-uploads', 'originals/form.jpg');
    emit(
      record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/put.jpg'),
      record('ObjectCreated:Copy', 'headshot-studio-uploads', 'originals/copy.jpg', { eTag: undefined }),
      record('ObjectCreated:Post', 'headshot-studio-uploads', 'originals/form.jpg'),
      record('ObjectCreated:Post', 'headshot-studio-uploads', 'originals/multipart.jpg'),
    );
    done();
    await delivery.settled();
    const reasons = Object.fromEntries(calls.map((c) => [c.event.detail.object.key, c.event.detail.reason]));
    expect(reasons).toEqual({
      'originals/put.jpg': 'PutObject',
      'originals/copy.jpg': 'CopyObject',
      'originals/form.jpg': 'POST Object',
      'originals/multipart.jpg': 'CompleteMultipartUpload',
    });
    expect(postObjects.has('headshot-studio-uploads', 'originals/form.jpg')).toBe(false);
    delivery.stop();
  });

  it('does not hold up the upload: the function is invoked after the event is emitted, not during it', () => {
    const { calls, delivery, emit } = setup();
    emit(record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/a.jpg'));
    expect(calls).toHaveLength(0);
    return delivery.settled().then(() => {
      expect(calls).toHaveLength(1);
      delivery.stop();
    });
  });

  it('retries a failing function twice with the delays between attempts, then logs the event as dropped', async () => {
    const { calls, logs, delivery, emit } = setup({ fail: (id) => id === 'ValidatePhoto', retryDelaysMs: [30, 60] });
    emit(record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/a.jpg'));
    await delivery.settled();
    const attempts = calls.filter((c) => c.functionId === 'ValidatePhoto');
    expect(attempts).toHaveLength(3);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(25);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(55);
    // Every attempt gets the same event, as Lambda retries it.
    expect(new Set(attempts.map((a) => a.event.id)).size).toBe(1);
    expect(logs).toEqual([expect.stringContaining('ValidatePhoto failed on the Object Created event of s3://headshot-studio-uploads/originals/a.jpg after 3 attempts')]);
    delivery.stop();
  });

  it('stops retrying once a retry succeeds', async () => {
    const { calls, logs, delivery, emit } = setup({ fail: (id, attempt) => id === 'ValidatePhoto' && attempt === 0 });
    emit(record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/a.jpg'));
    await delivery.settled();
    expect(calls.filter((c) => c.functionId === 'ValidatePhoto')).toHaveLength(2);
    expect(logs).toEqual([]);
    delivery.stop();
  });

  it('drops the retries still waiting when stopped, and listens no more', async () => {
    const { source, calls, delivery, emit } = setup({ fail: () => true, retryDelaysMs: [60_000, 120_000] });
    emit(record('ObjectCreated:Put', 'headshot-studio-uploads', 'originals/a.jpg'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    delivery.stop();
    await delivery.settled();
    expect(calls).toHaveLength(1);
    expect(source.listenerCount('event')).toBe(0);
  });
});
