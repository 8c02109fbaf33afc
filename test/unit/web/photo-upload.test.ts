import { parseS3Error, postPresigned, presignedForm, TaskQueue, UploadError, type UploadRequest } from '../../../web/src/photos/upload';

/** A fake XMLHttpRequest that records what was sent and lets the test answer. */
class FakeXhr implements UploadRequest {
  static made: FakeXhr[] = [];
  method?: string;
  url?: string;
  body?: FormData;
  status = 0;
  responseText = '';
  aborted = false;
  upload: UploadRequest['upload'] = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  constructor() {
    FakeXhr.made.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true });
  }
  answer(status: number, text = '') {
    this.status = status;
    this.responseText = text;
    this.onload?.();
  }
}

const POST = { url: 'http://127.0.0.1:4569/uploads', fields: { key: 'orders/1/photos/2', 'Content-Type': 'image/jpeg', Policy: 'p', 'X-Amz-Signature': 's' } };
const request = () => new FakeXhr();

beforeEach(() => {
  FakeXhr.made = [];
});

describe('presignedForm', () => {
  it('sends every policy field in order, then the file last as `file`', () => {
    const form = presignedForm(POST, new Blob(['abc'], { type: 'image/jpeg' }), 'me.jpg');
    expect([...form.keys()]).toEqual(['key', 'Content-Type', 'Policy', 'X-Amz-Signature', 'file']);
    expect(form.get('key')).toBe('orders/1/photos/2');
    expect((form.get('file') as File).name).toBe('me.jpg');
  });
});

describe('postPresigned', () => {
  it('POSTs the form to the presigned URL and reports progress until S3 answers 204', async () => {
    const seen: number[] = [];
    const done = postPresigned(POST, new Blob(['abc']), { request, onProgress: (f) => seen.push(f) });
    const xhr = FakeXhr.made[0];
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe(POST.url);
    expect([...xhr.body!.keys()].pop()).toBe('file');
    xhr.progress(25, 100);
    xhr.progress(100, 100);
    xhr.answer(204);
    await expect(done).resolves.toBeUndefined();
    expect(seen).toEqual([0.25, 1, 1]);
  });

  it("shows S3's own message when it refuses the upload", async () => {
    const done = postPresigned(POST, new Blob(['abc']), { request });
    FakeXhr.made[0].answer(
      400,
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>',
    );
    const error = (await done.catch((e: unknown) => e)) as UploadError;
    expect(error).toBeInstanceOf(UploadError);
    expect(error.code).toBe('EntityTooLarge');
    expect(error.message).toMatch(/Your proposed upload exceeds the maximum allowed size/);
  });

  it('says the link expired when S3 says so', async () => {
    const done = postPresigned(POST, new Blob(['abc']), { request });
    FakeXhr.made[0].answer(403, '<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>');
    await expect(done).rejects.toThrow(/upload link expired/);
  });

  it('answers a status without a body with the status', async () => {
    const done = postPresigned(POST, new Blob(['abc']), { request });
    FakeXhr.made[0].answer(503);
    await expect(done).rejects.toThrow(/refused \(503\)/);
  });

  it('fails with a network message when the request does not get through', async () => {
    const done = postPresigned(POST, new Blob(['abc']), { request });
    FakeXhr.made[0].onerror?.();
    await expect(done).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('aborts the request when the signal fires', async () => {
    const controller = new AbortController();
    const done = postPresigned(POST, new Blob(['abc']), { request, signal: controller.signal });
    controller.abort();
    await expect(done).rejects.toMatchObject({ code: 'ABORTED' });
    expect(FakeXhr.made[0].aborted).toBe(true);
  });

  it('does not start when the signal has fired already', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(postPresigned(POST, new Blob(['abc']), { request, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(FakeXhr.made).toHaveLength(0);
  });
});

describe('parseS3Error', () => {
  it('reads the code and the message, decoding XML entities', () => {
    expect(parseS3Error('<Error><Code>InvalidArgument</Code><Message>a &lt; b &amp; c</Message></Error>')).toEqual({ code: 'InvalidArgument', message: 'a < b & c' });
    expect(parseS3Error('not xml')).toEqual({ code: undefined, message: undefined });
  });
});

describe('TaskQueue with uploads on a fake XHR', () => {
  it('runs at most three uploads at once, in the order they were added, and goes on after a failure', async () => {
    const queue = new TaskQueue(3);
    const results: string[] = [];
    const uploads = Array.from({ length: 7 }, (_, i) =>
      queue.run(() => postPresigned(POST, new Blob([String(i)]), { request })).then(
        () => results.push(`ok ${i}`),
        () => results.push(`failed ${i}`),
      ),
    );
    expect(FakeXhr.made).toHaveLength(3);
    expect(queue.running).toBe(3);
    expect(queue.queued).toBe(4);

    FakeXhr.made[1].answer(400, '<Error><Code>EntityTooLarge</Code><Message>too big</Message></Error>');
    await flush();
    expect(FakeXhr.made).toHaveLength(4);
    expect(queue.running).toBe(3);

    // Answer the rest as they start.
    for (let i = 0; i < 20 && results.length < 7; i++) {
      for (const xhr of FakeXhr.made) if (!xhr.status) xhr.answer(204);
      await flush();
    }
    await Promise.all(uploads);
    expect(FakeXhr.made).toHaveLength(7);
    expect(results).toContain('failed 1');
    expect(results.filter((r) => r.startsWith('ok'))).toHaveLength(6);
    expect(queue.running).toBe(0);
    // Each upload's own body went to its own request, in order.
    expect(FakeXhr.made.map((x) => x.body!.get('key'))).toEqual(Array(7).fill('orders/1/photos/2'));
  });

  it('treats a task that throws at once as a failure and frees its slot', async () => {
    const queue = new TaskQueue(1);
    const failed = queue.run(() => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
