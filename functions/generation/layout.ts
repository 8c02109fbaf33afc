/*
 * Where generated images live in S3, by storage version (issue 8, items 7 and 8).
 *
 * Every order records the storage version it was created under; `storageFor(version)`
 * answers that version's bucket (a resource ID of `infra/catalogue/resources.ts`,
 * whose name a function reads with `requireEnv`) and key layout. Changing the default
 * adds a version; it never rewrites an older one, so an old order's keys still
 * parse and its images are still found and delivered.
 *
 * Version 1 (bucket `OutputsBucket`):
 *
 *   outputs/<stage>/<ownerId>/<orderId>/<styleId>/<imageId>/<variant>.<ext>
 *
 * e.g. `outputs/dev/7d0c…/3f1a…/corporate-grey/0b9e…/preview.webp`. The key alone
 * names everything an image record needs, so `imagesFromKeys` rebuilds an order's
 * images from a listing of `orderPrefix(…)`. Pure: no SDK, no sharp.
 */

export const VARIANT_NAMES = ['preview', 'master', 'print'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];
export const VARIANT_FORMATS = ['webp', 'png', 'jpeg'] as const;
export type VariantFormat = (typeof VARIANT_FORMATS)[number];

export const EXTENSIONS: Readonly<Record<VariantFormat, string>> = { webp: 'webp', png: 'png', jpeg: 'jpg' };
export const CONTENT_TYPES: Readonly<Record<VariantFormat, string>> = { webp: 'image/webp', png: 'image/png', jpeg: 'image/jpeg' };
const FORMAT_OF_EXTENSION: Readonly<Record<string, VariantFormat>> = { webp: 'webp', png: 'png', jpg: 'jpeg' };

/** One stored variant of one image, as its key names it. */
export interface ImageObject {
  readonly stage: string;
  /** The customer's `sub` (the order's owner). */
  readonly ownerId: string;
  readonly orderId: string;
  readonly styleId: string;
  readonly imageId: string;
  readonly variant: VariantName;
  readonly format: VariantFormat;
}

export type OrderRef = Pick<ImageObject, 'stage' | 'ownerId' | 'orderId'>;

export interface StorageLayout {
  readonly version: number;
  /** Resource ID of the bucket (`infra/catalogue/resources.ts`). */
  readonly bucket: string;
  /** The object key of one variant; throws RangeError on a part that cannot be a key segment. */
  keyOf(object: ImageObject): string;
  /** The parts of a key of this layout, or undefined for any other key. */
  parse(key: string): ImageObject | undefined;
  /** The prefix every key of one order starts with (for ListObjectsV2). */
  orderPrefix(order: OrderRef): string;
}

const STAGE = /^[a-z][a-z0-9-]{0,31}$/;
/** Cognito subs, UUIDs, ULIDs: letters, digits, `_` and `-`, never `/`, `.` or `%`. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** Style IDs are slugs (`shared/studios.ts`). */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const SEGMENT_RULES = { stage: STAGE, ownerId: ID, orderId: ID, styleId: SLUG, imageId: ID } as const;

/** Checks every part of an image object; the message names the part. */
export function checkImageObject(object: ImageObject): void {
  for (const [part, rule] of Object.entries(SEGMENT_RULES) as [keyof typeof SEGMENT_RULES, RegExp][]) {
    const value = object[part];
    if (typeof value !== 'string' || !rule.test(value) || (part === 'styleId' && value.length > 48)) {
      throw new RangeError(`${part} ${JSON.stringify(value)} cannot be part of an output key`);
    }
  }
  if (!VARIANT_NAMES.includes(object.variant)) throw new RangeError(`Unknown variant ${JSON.stringify(object.variant)}`);
  if (!VARIANT_FORMATS.includes(object.format)) throw new RangeError(`Unknown format ${JSON.stringify(object.format)}`);
}

function checkOrder(order: OrderRef): void {
  for (const part of ['stage', 'ownerId', 'orderId'] as const) {
    if (!SEGMENT_RULES[part].test(order[part])) throw new RangeError(`${part} ${JSON.stringify(order[part])} cannot be part of an output key`);
  }
}

/** `<variant>.<ext>` → its variant and format, when both are known. */
export function parseFileName(name: string): Pick<ImageObject, 'variant' | 'format'> | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot !== name.lastIndexOf('.')) return undefined;
  const variant = name.slice(0, dot) as VariantName;
  const format = FORMAT_OF_EXTENSION[name.slice(dot + 1)];
  if (!VARIANT_NAMES.includes(variant) || !format) return undefined;
  return { variant, format };
}

export const fileName = (object: Pick<ImageObject, 'variant' | 'format'>): string => `${object.variant}.${EXTENSIONS[object.format]}`;

/** Version 1: `outputs/<stage>/<ownerId>/<orderId>/<styleId>/<imageId>/<variant>.<ext>` in `OutputsBucket`. */
export const STORAGE_V1: StorageLayout = {
  version: 1,
  bucket: 'OutputsBucket',
  keyOf(object) {
    checkImageObject(object);
    return `outputs/${object.stage}/${object.ownerId}/${object.orderId}/${object.styleId}/${object.imageId}/${fileName(object)}`;
  },
  parse(key) {
    const parts = key.split('/');
    if (parts.length !== 7 || parts[0] !== 'outputs') return undefined;
    const [, stage, ownerId, orderId, styleId, imageId, name] = parts as [string, string, string, string, string, string, string];
    const file = parseFileName(name);
    if (!file) return undefined;
    const object: ImageObject = { stage, ownerId, orderId, styleId, imageId, ...file };
    try {
      checkImageObject(object);
    } catch {
      return undefined;
    }
    return object;
  },
  orderPrefix(order) {
    checkOrder(order);
    return `outputs/${order.stage}/${order.ownerId}/${order.orderId}/`;
  },
};

/** The storage version new orders are created under. */
export const DEFAULT_STORAGE_VERSION = 1;

const layouts = new Map<number, StorageLayout>([[STORAGE_V1.version, STORAGE_V1]]);

/** The bucket and layout of a storage version (the one an order recorded when it was created). */
export function storageFor(version: number = DEFAULT_STORAGE_VERSION): StorageLayout {
  const layout = layouts.get(version);
  if (!layout) throw new RangeError(`Unknown storage version ${version}; known: ${[...layouts.keys()].join(', ')}`);
  return layout;
}

/**
 * Adds a storage version (a new layout, or a new bucket). Versions are never
 * replaced: an order's keys must keep their meaning. Answers a function that removes
 * it again, for tests.
 */
export function registerStorageLayout(layout: StorageLayout): () => void {
  if (!Number.isInteger(layout.version) || layout.version < 1) throw new RangeError(`Storage versions are positive integers, not ${layout.version}`);
  if (layouts.has(layout.version)) throw new RangeError(`Storage version ${layout.version} is registered already`);
  layouts.set(layout.version, layout);
  return () => {
    if (layouts.get(layout.version) === layout) layouts.delete(layout.version);
  };
}

export function storageVersions(): number[] {
  return [...layouts.keys()].sort((a, b) => a - b);
}

/** An image as the layout alone tells it: its place in the order and the key of each variant. */
export interface ImageRecordFromLayout {
  readonly stage: string;
  readonly ownerId: string;
  readonly orderId: string;
  readonly styleId: string;
  readonly imageId: string;
  readonly storageVersion: number;
  /** Variant keys by `<variant>.<ext>` (`preview.webp`, `master.png`, `print.jpg`, …). */
  readonly variants: Readonly<Record<string, string>>;
}

/**
 * Rebuilds an order's image records from the keys a listing of its prefix returned,
 * under the order's storage version: one record per image, sorted by style and
 * image ID. Keys of that version's layout only; any other key is returned in
 * `foreign`, never guessed at.
 */
export function imagesFromKeys(keys: Iterable<string>, storageVersion: number = DEFAULT_STORAGE_VERSION): { images: ImageRecordFromLayout[]; foreign: string[] } {
  const layout = storageFor(storageVersion);
  const byImage = new Map<string, { stage: string; ownerId: string; orderId: string; styleId: string; imageId: string; variants: Record<string, string> }>();
  const foreign: string[] = [];
  for (const key of keys) {
    const object = layout.parse(key);
    if (!object) {
      foreign.push(key);
      continue;
    }
    const id = [object.stage, object.ownerId, object.orderId, object.styleId, object.imageId].join('/');
    let record = byImage.get(id);
    if (!record) {
      record = { stage: object.stage, ownerId: object.ownerId, orderId: object.orderId, styleId: object.styleId, imageId: object.imageId, variants: {} };
      byImage.set(id, record);
    }
    record.variants[fileName(object)] = key;
  }
  const images = [...byImage.values()]
    .map((record) => ({ ...record, storageVersion }))
    .sort((a, b) => (a.styleId === b.styleId ? (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0) : a.styleId < b.styleId ? -1 : 1));
  return { images, foreign };
}
