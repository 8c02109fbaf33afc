import type { PresignedPost } from '../../../shared/photos';

/**
 * Uploads straight to S3 with a presigned POST: a multipart/form-data POST to
 * the post's URL with every policy field first and the file last (S3 ignores
 * fields after `file`). XMLHttpRequest rather than fetch, because only it
 * reports upload progress.
 */

/** The part of XMLHttpRequest an upload uses (tests pass a fake). */
export interface UploadRequest {
  open(method: string, url: string): void;
  send(body: FormData): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  ontimeout: (() => void) | null;
}

/** An upload S3 refused or that never arrived, with a message for the customer. */
export class UploadError extends Error {
  constructor(
    message: string,
    /** S3's error code (`EntityTooLarge`, `AccessDenied`, …), or `NETWORK`, `ABORTED`. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadOptions {
  /** Called with the share sent so far, 0..1. */
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
  /** @default - a new XMLHttpRequest */
  readonly request?: () => UploadRequest;
}

/** Builds the form of a presigned POST: the policy fields in their order, then the file as `file`. */
export function presignedForm(post: PresignedPost, file: Blob, fileName?: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
  if (fileName === undefined) form.append('file', file);
  else form.append('file', file, fileName);
  return form;
}

/** S3's XML error body (`<Error><Code>…</Code><Message>…</Message></Error>`) as a code and message. */
export function parseS3Error(xml: string): { code?: string; message?: string } {
  const pick = (tag: string) => {
    const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
    return match ? decodeXml(match[1].trim()) : undefined;
  };
  return { code: pick('Code'), message: pick('Message') };
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Why S3 refused, in words a customer can act on; S3's own message when it gave one. */
export function refusalMessage(status: number, body: string): UploadError {
  const { code, message } = parseS3Error(body);
  if (code === 'EntityTooLarge') return new UploadError(`The file is too large for the upload. ${message ?? ''}`.trim(), code);
  if (code === 'AccessDenied' && /expired/i.test(message ?? '')) return new UploadError('The upload link expired. Remove the photo and add it again.', code);
  if (message) return new UploadError(`The upload was refused: ${message}`, code ?? `HTTP_${status}`);
  return new UploadError(`The upload was refused (${status}). Remove the photo and try again.`, code ?? `HTTP_${status}`);
}

/** Sends one file with a presigned POST; resolves when S3 stored it (2xx), rejects with an {@link UploadError}. */
export function postPresigned(post: PresignedPost, file: Blob, options: UploadOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new UploadError('The upload was cancelled.', 'ABORTED'));
      return;
    }
    const xhr = options.request?.() ?? (new XMLHttpRequest() as unknown as UploadRequest);
    const onAbort = () => xhr.abort();
    const done = () => options.signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', post.url);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(Math.min(1, event.loaded / event.total));
    };
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve();
      } else {
        reject(refusalMessage(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => {
      done();
      reject(new UploadError('The upload did not get through. Check your connection and try again.', 'NETWORK'));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(new UploadError('The upload was cancelled.', 'ABORTED'));
    };
    options.signal?.addEventListener('abort', onAbort);
    xhr.send(presignedForm(post, file));
  });
}

/** Uploads at the same time, at most: enough to fill a phone's uplink without starving the page. */
export const UPLOAD_CONCURRENCY = 3;

/**
 * Runs tasks with at most `concurrency` at once, in the order they were added.
 * A failed task does not stop the others.
 */
export class TaskQueue {
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(private readonly concurrency = UPLOAD_CONCURRENCY) {}

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a free slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a slot is free; resolves or rejects as it does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.active += 1;
        let result: Promise<T>;
        try {
          result = task();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => {
          this.active -= 1;
          this.waiting.shift()?.();
        });
      };
      if (this.active < this.concurrency) start();
      else this.waiting.push(start);
    });
  }
}
