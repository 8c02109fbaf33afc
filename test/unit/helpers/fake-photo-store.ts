import { type NewPhotoRecord, PhotoConflictError, type PhotoRecord, type Photos, type PhotoVerdict } from '#functions/photos/photo-store';
import { EDITABLE_STATUSES } from '#shared/orders';
import { MAX_PHOTOS_PER_ORDER, type PhotoStatus } from '#shared/photos';
import type { FakeOrderStore } from './fake-order-store';

type Method = keyof Photos;

/** A deep copy without undefined attributes, as DynamoDB (with removeUndefinedValues) would store and return it. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const isEditable = (status: string) => (EDITABLE_STATUSES as readonly string[]).includes(status);

/**
 * An in-memory {@link Photos} with the observable behaviour of `PhotoStore`
 * (functions/photos/photo-store.ts), held to the same behaviour as the real
 * store on DynamoDB Local (test/stores/photos-behaviour.ts).
 *
 * Photos live beside their orders in one table, so this fake works on a
 * {@link FakeOrderStore}: adding and removing a photo change the order's
 * `photoCount` there, and only while the order is editable, as the real
 * store's transactions do. A refused change writes nothing.
 */
export class FakePhotoStore implements Photos {
  private readonly photos = new Map<string, PhotoRecord>();
  private readonly failures = new Map<Method, Error[]>();
  /** Every call, in order: which method, with which arguments. */
  readonly calls: { readonly method: Method; readonly args: readonly unknown[] }[] = [];

  constructor(
    private readonly orders: FakeOrderStore,
    private readonly maxPhotos = MAX_PHOTOS_PER_ORDER,
  ) {}

  /** Stores photos as they are, replacing any with the same ID; the orders' counts are left alone. */
  seed(...records: PhotoRecord[]): this {
    for (const record of records) this.photos.set(keyOf(record.orderId, record.photoId), copy(record));
    return this;
  }

  /** The next call of `method` rejects with `error` (once per call of this). */
  failNext(method: Method, error: Error = new Error(`${method} failed (injected by the test)`)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  /** What the store holds for a photo, read without counting as a call. */
  peek(orderId: string, photoId: string): PhotoRecord | undefined {
    const record = this.photos.get(keyOf(orderId, photoId));
    return record && copy(record);
  }

  /** Every photo of an order, oldest first, read without counting as a call. */
  peekAll(orderId: string): PhotoRecord[] {
    return [...this.photos.values()]
      .filter((photo) => photo.orderId === orderId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.photoId.localeCompare(b.photoId))
      .map(copy);
  }

  /** The methods called, in order. */
  methodsCalled(): Method[] {
    return this.calls.map((call) => call.method);
  }

  async create(photo: NewPhotoRecord): Promise<PhotoRecord> {
    this.enter('create', [photo]);
    const order = this.orders.peek(photo.orderId);
    if (!order || order.customerId !== photo.customerId) throw new PhotoConflictError('ORDER_NOT_FOUND', 'No such order.');
    if (!isEditable(order.status)) throw new PhotoConflictError('ORDER_NOT_EDITABLE', 'This order has been sent to the studio; its photos can no longer change.');
    if ((order.photoCount ?? 0) >= this.maxPhotos) {
      throw new PhotoConflictError('TOO_MANY_PHOTOS', `An order holds at most ${this.maxPhotos} photos. Remove one before adding another.`);
    }
    const key = keyOf(photo.orderId, photo.photoId);
    // The real store's Put is conditional on a new key; a UUID never repeats there.
    if (this.photos.has(key)) throw new Error('TransactionCanceledException: the photo exists');
    const record: PhotoRecord = { ...photo, status: 'UPLOADING', updatedAt: photo.createdAt };
    this.orders.seed({ ...order, photoCount: (order.photoCount ?? 0) + 1 });
    this.photos.set(key, copy(record));
    return record;
  }

  async get(orderId: string, photoId: string): Promise<PhotoRecord | undefined> {
    this.enter('get', [orderId, photoId]);
    return this.peek(orderId, photoId);
  }

  async list(orderId: string): Promise<PhotoRecord[]> {
    this.enter('list', [orderId]);
    return this.peekAll(orderId);
  }

  async delete(orderId: string, photoId: string): Promise<{ photo: PhotoRecord; photoCount: number }> {
    this.enter('delete', [orderId, photoId]);
    const photo = this.peek(orderId, photoId);
    if (!photo) throw new PhotoConflictError('PHOTO_NOT_FOUND', 'The order has no such photo.');
    const order = this.orders.peek(orderId);
    if (!order) throw new PhotoConflictError('ORDER_NOT_FOUND', 'No such order.');
    if (!isEditable(order.status) || !(order.photoCount > 0)) {
      throw new PhotoConflictError('ORDER_NOT_EDITABLE', 'This order has been sent to the studio; its photos can no longer change.');
    }
    this.orders.seed({ ...order, photoCount: order.photoCount - 1 });
    this.photos.delete(keyOf(orderId, photoId));
    return { photo, photoCount: order.photoCount - 1 };
  }

  async startValidation(orderId: string, photoId: string): Promise<boolean> {
    this.enter('startValidation', [orderId, photoId]);
    const current = this.photos.get(keyOf(orderId, photoId));
    if (!current || (current.status !== 'UPLOADING' && current.status !== 'VALIDATING')) return false;
    this.photos.set(keyOf(orderId, photoId), { ...current, status: 'VALIDATING', updatedAt: new Date().toISOString() });
    return true;
  }

  async settle(orderId: string, photoId: string, verdict: PhotoVerdict, from: readonly PhotoStatus[] = ['UPLOADING', 'VALIDATING']): Promise<boolean> {
    this.enter('settle', [orderId, photoId, verdict, from]);
    const current = this.photos.get(keyOf(orderId, photoId));
    if (!current || !from.includes(current.status)) return false;
    // SET of the verdict's fields: those a verdict does not name (an earlier hash, say) stay.
    this.photos.set(keyOf(orderId, photoId), copy({ ...current, ...verdict, updatedAt: new Date().toISOString() }));
    return true;
  }

  async orderOwner(orderId: string): Promise<string | undefined> {
    this.enter('orderOwner', [orderId]);
    return this.orders.peek(orderId)?.customerId;
  }

  /** Records the call and throws an injected failure, if one is queued for the method. */
  private enter(method: Method, args: readonly unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
  }
}

const keyOf = (orderId: string, photoId: string) => `${orderId}/${photoId}`;
