import { join, resolve } from 'node:path';
import type { OrderView } from '../../shared/orders';
import { type SampleFace, sampleFaces } from '../../infra/sample-faces';
import { eventually } from './local-cloud';

/** The cached single-face photos (made once per machine from face-api's demo pictures). */
export function testFaces(): Promise<SampleFace[]> {
  return sampleFaces(join(resolve(__dirname, '..', '..'), '.local', 'cache', 'sample-faces'));
}

export interface UploadFile {
  readonly name: string;
  readonly bytes: Buffer;
  readonly type: string;
}

/** A customer's calls to the API of a running cloud. */
export class CustomerApi {
  constructor(
    private readonly api: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async order(orderId: string): Promise<OrderView> {
    return (await this.call('GET', `/v1/orders/${orderId}`)).body as unknown as OrderView;
  }

  /** Asks for an upload and posts the file to S3 as a browser would; answers both statuses and the photo's ID. */
  async upload(orderId: string, file: UploadFile, declared: { contentType?: string; size?: number; fields?: Record<string, string> } = {}) {
    const started = await this.call('POST', `/v1/orders/${orderId}/photos`, {
      fileName: file.name,
      contentType: declared.contentType ?? file.type,
      size: declared.size ?? file.bytes.length,
    });
    if (started.status !== 201) return { api: started, s3: undefined, photoId: undefined };
    const { photoId, upload } = started.body as { photoId: string; upload: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...upload.fields, ...declared.fields })) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const posted = await fetch(upload.url, { method: 'POST', body: form });
    return { api: started, s3: { status: posted.status, body: await posted.text() }, photoId };
  }

  /** Waits until no photo of the order is still uploading or being checked. */
  async settled(orderId: string, timeoutMs = 120_000): Promise<OrderView> {
    return eventually(
      async () => {
        const order = await this.order(orderId);
        return order.photos?.every((p) => p.status !== 'UPLOADING' && p.status !== 'VALIDATING') ? order : undefined;
      },
      timeoutMs,
      `the photos of ${orderId} to be checked`,
    );
  }

  async waitForStatus(orderId: string, status: string, timeoutMs = 60_000): Promise<OrderView> {
    return eventually(
      async () => {
        const order = await this.order(orderId);
        return order.status === status ? order : undefined;
      },
      timeoutMs,
      `order ${orderId} to reach ${status}`,
    );
  }

  /**
   * A draft for styles of a seeded studio with six good photos, submitted and
   * parked at the confirmation gate.
   */
  async orderAtGate(styleIds: string[] = ['corporate-grey'], note?: string): Promise<OrderView> {
    const created = await this.call('POST', '/v1/orders', { studioId: 'north-light-studio', styleIds, ...(note ? { note } : {}) });
    if (created.status !== 201) throw new Error(`createOrder answered ${created.status}: ${JSON.stringify(created.body)}`);
    return this.submitToGate(created.body.orderId as string);
  }

  /** Uploads six good selfies to a draft, waits for their verdicts, submits it and waits at the confirmation gate. */
  async submitToGate(orderId: string): Promise<OrderView> {
    const faces = (await testFaces()).slice(0, 6);
    for (const face of faces) await this.upload(orderId, { name: `${face.name}.jpg`, bytes: face.jpeg, type: 'image/jpeg' });
    await this.settled(orderId);
    const submitted = await this.call('POST', `/v1/orders/${orderId}/submit`);
    if (submitted.status !== 202) throw new Error(`submitOrder answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
    return this.waitForStatus(orderId, 'PENDING_EDITOR_CONFIRMATION');
  }
}
