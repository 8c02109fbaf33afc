import {
  DEFAULT_STORAGE_VERSION,
  type ImageObject,
  imagesFromKeys,
  registerStorageLayout,
  STORAGE_V1,
  storageFor,
  type StorageLayout,
  storageVersions,
  VARIANT_FORMATS,
  VARIANT_NAMES,
} from '#functions/generation/layout';

const OWNER = '7d0c8a52-1f3e-4b6a-9c2d-0e1f2a3b4c5d';
const ORDER = '3f1a9b7c-2d4e-4f60-8a1b-2c3d4e5f6a7b';
const IMAGE = '0b9e4d2c-6a1f-4e3b-9d8c-7a6b5c4d3e2f';

const object = (over: Partial<ImageObject> = {}): ImageObject => ({
  stage: 'dev',
  ownerId: OWNER,
  orderId: ORDER,
  styleId: 'corporate-grey',
  imageId: IMAGE,
  variant: 'preview',
  format: 'webp',
  ...over,
});

describe('storage layout, version 1', () => {
  const v1 = storageFor(1);

  it('is the default, in the outputs bucket', () => {
    expect(DEFAULT_STORAGE_VERSION).toBe(1);
    expect(storageFor()).toBe(STORAGE_V1);
    expect(v1.bucket).toBe('OutputsBucket');
  });

  it('keys are outputs/<stage>/<owner>/<order>/<style>/<image>/<variant>.<ext>', () => {
    expect(v1.keyOf(object())).toBe(`outputs/dev/${OWNER}/${ORDER}/corporate-grey/${IMAGE}/preview.webp`);
    expect(v1.keyOf(object({ variant: 'print', format: 'jpeg' }))).toBe(`outputs/dev/${OWNER}/${ORDER}/corporate-grey/${IMAGE}/print.jpg`);
  });

  it('every variant and format round-trips through its key', () => {
    for (const variant of VARIANT_NAMES) {
      for (const format of VARIANT_FORMATS) {
        const original = object({ variant, format, stage: 'prod', styleId: 'teal-pop' });
        expect(v1.parse(v1.keyOf(original))).toEqual(original);
      }
    }
  });

  it('refuses keys outside the layout', () => {
    const good = v1.keyOf(object());
    const foreign = [
      '',
      `originals/${OWNER}/${ORDER}/photo.jpg`,
      good.replace('outputs/', 'output/'),
      `/${good}`,
      `${good}/`,
      good.replace('/preview.webp', ''),
      good.replace('/preview.webp', '/extra/preview.webp'),
      good.replace('preview.webp', 'thumbnail.webp'),
      good.replace('preview.webp', 'preview.gif'),
      good.replace('preview.webp', 'preview.webp.png'),
      good.replace('preview.webp', 'preview'),
      good.replace('preview.webp', '.webp'),
      good.replace('corporate-grey', 'Corporate-Grey'),
      good.replace('corporate-grey', 'corporate--grey'),
      good.replace(OWNER, '..'),
      good.replace(OWNER, ''),
      good.replace(OWNER, 'a%2Fb'),
      good.replace('/dev/', '/Dev/'),
      good.replace(IMAGE, `${IMAGE}.x`),
    ];
    for (const key of foreign) expect([key, v1.parse(key)]).toEqual([key, undefined]);
  });

  it('refuses to make a key from a part that is not a segment', () => {
    expect(() => v1.keyOf(object({ ownerId: 'a/b' }))).toThrow(/ownerId/);
    expect(() => v1.keyOf(object({ orderId: '..' }))).toThrow(/orderId/);
    expect(() => v1.keyOf(object({ styleId: 'Grey Paper' }))).toThrow(/styleId/);
    expect(() => v1.keyOf(object({ stage: '' }))).toThrow(/stage/);
    expect(() => v1.keyOf(object({ variant: 'thumb' as never }))).toThrow(/variant/);
  });

  it("an order's prefix holds its keys and no other order's", () => {
    const prefix = v1.orderPrefix({ stage: 'dev', ownerId: OWNER, orderId: 'abc' });
    expect(prefix).toBe(`outputs/dev/${OWNER}/abc/`);
    expect(v1.keyOf(object({ orderId: 'abc' })).startsWith(prefix)).toBe(true);
    expect(v1.keyOf(object({ orderId: 'abcd' })).startsWith(prefix)).toBe(false);
    expect(() => v1.orderPrefix({ stage: 'dev', ownerId: '../x', orderId: 'abc' })).toThrow(/ownerId/);
  });
});

describe("rebuilding an order's images from its keys", () => {
  it('one record per image, sorted by style and image, each with its variant keys; foreign keys set aside', () => {
    const keys = [
      STORAGE_V1.keyOf(object({ styleId: 'teal-pop', imageId: 'img-2', variant: 'master', format: 'png' })),
      STORAGE_V1.keyOf(object({ styleId: 'teal-pop', imageId: 'img-2', variant: 'preview', format: 'webp' })),
      STORAGE_V1.keyOf(object({ imageId: 'img-1', variant: 'print', format: 'jpeg' })),
      STORAGE_V1.keyOf(object({ imageId: 'img-1', variant: 'print', format: 'png' })),
      STORAGE_V1.keyOf(object({ styleId: 'teal-pop', imageId: 'img-1', variant: 'preview', format: 'webp' })),
      `outputs/dev/${OWNER}/${ORDER}/summary.json`,
    ];
    const { images, foreign } = imagesFromKeys(keys, 1);
    expect(foreign).toEqual([`outputs/dev/${OWNER}/${ORDER}/summary.json`]);
    expect(images.map((image) => `${image.styleId}/${image.imageId}`)).toEqual(['corporate-grey/img-1', 'teal-pop/img-1', 'teal-pop/img-2']);
    expect(images[0]).toEqual({
      stage: 'dev',
      ownerId: OWNER,
      orderId: ORDER,
      styleId: 'corporate-grey',
      imageId: 'img-1',
      storageVersion: 1,
      variants: { 'print.jpg': keys[2], 'print.png': keys[3] },
    });
    expect(Object.keys(images[2]!.variants).sort()).toEqual(['master.png', 'preview.webp']);
  });
});

describe('storage versions', () => {
  /** A test-only version 2: another bucket, and the style after the image. */
  const v2: StorageLayout = {
    version: 2,
    bucket: 'OutputsBucketV2',
    keyOf: (o) => `v2/${o.stage}/${o.ownerId}/${o.orderId}/${o.imageId}/${o.styleId}/${o.variant}.${o.format === 'jpeg' ? 'jpg' : o.format}`,
    parse: (key) => {
      const parts = key.split('/');
      if (parts.length !== 7 || parts[0] !== 'v2') return undefined;
      const [, stage, ownerId, orderId, imageId, styleId, name] = parts as [string, string, string, string, string, string, string];
      const v1 = STORAGE_V1.parse(`outputs/${stage}/${ownerId}/${orderId}/${styleId}/${imageId}/${name}`);
      return v1;
    },
    orderPrefix: (o) => `v2/${o.stage}/${o.ownerId}/${o.orderId}/`,
  };

  it('an unknown version is refused', () => {
    expect(() => storageFor(99)).toThrow(/99/);
  });

  it('after version 2 is registered, version 1 keys still parse under version 1, and each version refuses the other', () => {
    const unregister = registerStorageLayout(v2);
    try {
      expect(storageVersions()).toEqual([1, 2]);
      const oldKey = STORAGE_V1.keyOf(object());
      const newKey = storageFor(2).keyOf(object());
      expect(storageFor(1).parse(oldKey)).toEqual(object());
      expect(storageFor(2).parse(newKey)).toEqual(object());
      expect(storageFor(1).parse(newKey)).toBeUndefined();
      expect(storageFor(2).parse(oldKey)).toBeUndefined();
      expect(storageFor(2).bucket).toBe('OutputsBucketV2');
      // An old order (recorded storageVersion 1) is rebuilt from its keys as before.
      expect(imagesFromKeys([oldKey], 1).images).toHaveLength(1);
      expect(imagesFromKeys([oldKey], 2)).toEqual({ images: [], foreign: [oldKey] });
    } finally {
      unregister();
    }
    expect(storageVersions()).toEqual([1]);
  });

  it('a version is never replaced', () => {
    expect(() => registerStorageLayout({ ...v2, version: 1 })).toThrow(/registered already/);
    expect(() => registerStorageLayout({ ...v2, version: 0 })).toThrow(/positive/);
  });
});
