import { randomBytes } from 'node:crypto';
import {
  type PageRequest,
  type StoredImage,
  StudioConflictError,
  type StudioRecord,
  type Studios,
  type StudioWithStyles,
  type StyleRecord,
  summaryOf,
} from '#functions/studios/studio-store';
import { ApiError } from '#lib/errors';
import { MAX_STYLE_IMAGES, MAX_STYLES_PER_STUDIO, type StudioInput, type StyleInput } from '#shared/studios';

type Method = keyof Studios;

/** A deep copy without undefined attributes, as DynamoDB (with removeUndefinedValues) would store and return it. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The marketplace's sort key: the name in lower case, then the ID. */
const listKeyOf = (studio: StudioRecord) => `${studio.name.toLowerCase()}#${studio.studioId}`;

const notFound = (studioId: string) => new StudioConflictError('STUDIO_NOT_FOUND', `No studio "${studioId}" exists.`);

/**
 * An in-memory {@link Studios} with the observable behaviour of `StudioStore`
 * (functions/studios/studio-store.ts), held to the same behaviour as the real
 * store on DynamoDB Local (test/stores/studios-behaviour.ts).
 *
 * - Refusals are {@link StudioConflictError}s with the real store's reasons;
 *   a refused change writes nothing.
 * - Every style change rewrites the studio's summary (styleCount, fromCredits,
 *   coverKey) and bumps its version.
 * - `list` is by lower-case name, then ID; a page carries a `nextCursor` only
 *   while more follow; a cursor it did not hand out answers `INVALID_CURSOR`.
 * - {@link failNext} makes the next call of a method reject, for error paths.
 */
export class FakeStudioStore implements Studios {
  private readonly studios = new Map<string, StudioRecord>();
  private readonly styles = new Map<string, StyleRecord[]>();
  private readonly cursors = new Map<string, string>();
  private readonly failures = new Map<Method, Error[]>();
  /** Every call, in order: which method, with which arguments. */
  readonly calls: { readonly method: Method; readonly args: readonly unknown[] }[] = [];

  /** Stores a studio with its styles as they are; its summary (styleCount, fromCredits, coverKey) is derived from the styles. */
  seed(studio: StudioRecord, styles: readonly StyleRecord[] = []): this {
    this.studios.set(studio.studioId, copy({ ...studio, ...summaryOf(styles) }));
    this.styles.set(studio.studioId, copy([...styles]));
    return this;
  }

  /** The next call of `method` rejects with `error` (once per call of this). */
  failNext(method: Method, error: Error = new Error(`${method} failed (injected by the test)`)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  /** What the store holds for a studio, read without counting as a call. */
  peek(studioId: string): StudioWithStyles | undefined {
    const studio = this.studios.get(studioId);
    if (!studio) return undefined;
    const styles = [...(this.styles.get(studioId) ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.styleId.localeCompare(b.styleId));
    return copy({ studio, styles });
  }

  /** The methods called, in order. */
  methodsCalled(): Method[] {
    return this.calls.map((call) => call.method);
  }

  async create(studioId: string, input: StudioInput, at = new Date().toISOString()): Promise<StudioRecord> {
    this.enter('create', [studioId, input, at]);
    if (this.studios.has(studioId)) throw new StudioConflictError('STUDIO_EXISTS', `A studio with the ID "${studioId}" exists already; choose another name.`);
    const record: StudioRecord = { ...input, studioId, createdAt: at, updatedAt: at, styleCount: 0, version: 0 };
    this.studios.set(studioId, copy(record));
    this.styles.set(studioId, []);
    return record;
  }

  async update(studioId: string, input: StudioInput): Promise<void> {
    this.enter('update', [studioId, input]);
    const current = this.studios.get(studioId);
    if (!current) throw notFound(studioId);
    this.studios.set(studioId, copy({ ...current, ...input, updatedAt: new Date().toISOString(), version: current.version + 1 }));
  }

  async get(studioId: string): Promise<StudioWithStyles | undefined> {
    this.enter('get', [studioId]);
    return this.peek(studioId);
  }

  async list(page: PageRequest): Promise<{ items: StudioRecord[]; nextCursor?: string }> {
    this.enter('list', [page]);
    let after: string | undefined;
    if (page.cursor !== undefined) {
      after = this.cursors.get(page.cursor);
      if (after === undefined) throw new ApiError('INVALID_CURSOR', 'This cursor does not belong to this list. Start again from the first page.');
    }
    const items = [...this.studios.values()]
      .sort((a, b) => (listKeyOf(a) < listKeyOf(b) ? -1 : 1))
      .filter((studio) => after === undefined || listKeyOf(studio) > after)
      .filter((studio) => !page.tag || studio.tags.includes(page.tag))
      .slice(0, page.limit + 1);
    if (items.length <= page.limit) return { items: items.map(copy) };
    items.pop();
    const nextCursor = randomBytes(12).toString('base64url');
    this.cursors.set(nextCursor, listKeyOf(items[items.length - 1]!));
    return { items: items.map(copy), nextCursor };
  }

  async allTags(): Promise<string[]> {
    this.enter('allTags', []);
    return [...new Set([...this.studios.values()].flatMap((studio) => studio.tags))].sort();
  }

  async putStyle(studioId: string, styleId: string, input: StyleInput): Promise<void> {
    this.enter('putStyle', [studioId, styleId, input]);
    this.changeStyle(studioId, styleId, (existing, at, count) => {
      if (!existing && count >= MAX_STYLES_PER_STUDIO) {
        throw new StudioConflictError('TOO_MANY_STYLES', `A studio has at most ${MAX_STYLES_PER_STUDIO} styles; change an existing one instead.`);
      }
      return { ...input, studioId, styleId, images: existing?.images ?? [], createdAt: existing?.createdAt ?? at, updatedAt: at };
    });
  }

  async addImage(studioId: string, styleId: string, image: StoredImage): Promise<void> {
    this.enter('addImage', [studioId, styleId, image]);
    this.changeStyle(studioId, styleId, (existing, at) => {
      if (!existing) throw new StudioConflictError('STYLE_NOT_FOUND', `The studio has no style "${styleId}".`);
      if (existing.images.some((i) => i.imageId === image.imageId)) return existing;
      if (existing.images.filter((i) => i.kind === image.kind).length >= MAX_STYLE_IMAGES) {
        throw new StudioConflictError('TOO_MANY_IMAGES', `A style has at most ${MAX_STYLE_IMAGES} ${image.kind} images; remove one first.`);
      }
      return { ...existing, images: [...existing.images, image], updatedAt: at };
    });
  }

  async removeImage(studioId: string, styleId: string, imageId: string): Promise<StoredImage> {
    this.enter('removeImage', [studioId, styleId, imageId]);
    let removed: StoredImage | undefined;
    this.changeStyle(studioId, styleId, (existing, at) => {
      if (!existing) throw new StudioConflictError('STYLE_NOT_FOUND', `The studio has no style "${styleId}".`);
      removed = existing.images.find((i) => i.imageId === imageId);
      if (!removed) throw new StudioConflictError('IMAGE_NOT_FOUND', 'The style has no such image.');
      return { ...existing, images: existing.images.filter((i) => i.imageId !== imageId), updatedAt: at };
    });
    return copy(removed!);
  }

  /** Writes one style and the studio's summary of all its styles, as the real store's transaction does. */
  private changeStyle(studioId: string, styleId: string, change: (existing: StyleRecord | undefined, at: string, styleCount: number) => StyleRecord): void {
    const current = this.peek(studioId);
    if (!current) throw notFound(studioId);
    const at = new Date().toISOString();
    const existing = current.styles.find((s) => s.styleId === styleId);
    const style = change(existing, at, current.styles.length);
    const styles = existing ? current.styles.map((s) => (s.styleId === styleId ? style : s)) : [...current.styles, style];
    const { fromCredits: _from, coverKey: _cover, ...studio } = current.studio;
    const summary = summaryOf(styles);
    this.styles.set(studioId, copy(styles));
    this.studios.set(studioId, copy({ ...studio, ...summary, updatedAt: at, version: studio.version + 1 }));
  }

  /** Records the call and throws an injected failure, if one is queued for the method. */
  private enter(method: Method, args: readonly unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
  }
}
