import {
  archiveLabel,
  downloadName,
  favouritesKey,
  fileLabel,
  filterGallery,
  formatBytes,
  formatLabel,
  loadFavourites,
  refreshDelay,
  saveFavourites,
  toggleFavourite,
  viewerKey,
  wrapIndex,
  type FavouriteStorage,
} from '../../../web/src/gallery/gallery';

/** An in-memory Storage. */
function memoryStorage(initial: Record<string, string> = {}): FavouriteStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => {
      data[key] = value;
    },
    removeItem: (key) => {
      delete data[key];
    },
  };
}

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [812, '812 B'],
    [1000, '1 KB'],
    [48_213, '48 KB'],
    [999_999, '1 MB'],
    [3_140_000, '3.1 MB'],
    [9_960_000, '10 MB'],
    [12_400_000, '12 MB'],
    [2_500_000_000, '2.5 GB'],
    [-1, '–'],
    [Number.NaN, '–'],
  ])('%d bytes read %j', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('file labels', () => {
  it('reads a file as its link shows it', () => {
    expect(fileLabel({ name: 'print', format: 'jpeg', width: 4096, height: 4096, size: 3_140_000 })).toBe('Print · JPEG · 4096×4096 · 3.1 MB');
    expect(fileLabel({ name: 'preview', format: 'webp', width: 1024, height: 1024, size: 88_000 })).toBe('Preview · WebP · 1024×1024 · 88 KB');
    expect(fileLabel({ name: 'square', format: 'heic', width: 10, height: 10, size: 10 })).toBe('Square · HEIC · 10×10 · 10 B');
  });

  it('names formats as they are written', () => {
    expect(formatLabel('JPG')).toBe('JPEG');
    expect(formatLabel('png')).toBe('PNG');
  });

  it('names the saved file', () => {
    expect(downloadName({ imageId: 'corporate-grey-front-0' }, { name: 'print', format: 'jpeg' })).toBe('headshot-corporate-grey-front-0-print.jpg');
    expect(downloadName({ imageId: 'x-front-1' }, { name: 'preview', format: 'webp' })).toBe('headshot-x-front-1-preview.webp');
  });

  it('puts the ZIP’s size on its button', () => {
    expect(archiveLabel({ size: 12_000_000 })).toBe('Download all (ZIP, 12 MB)');
    expect(archiveLabel(undefined)).toBe('Download all (ZIP)');
  });
});

describe('the viewer', () => {
  it('wraps round at both ends', () => {
    expect(wrapIndex(0, -1, 5)).toBe(4);
    expect(wrapIndex(4, 1, 5)).toBe(0);
    expect(wrapIndex(2, 1, 5)).toBe(3);
    expect(wrapIndex(0, 1, 0)).toBe(-1);
  });

  it('maps the arrows and Escape', () => {
    expect(viewerKey('ArrowLeft')).toBe('previous');
    expect(viewerKey('ArrowRight')).toBe('next');
    expect(viewerKey('Escape')).toBe('close');
    expect(viewerKey('a')).toBeUndefined();
  });
});

describe('refreshDelay', () => {
  const now = new Date('2025-01-01T12:00:00Z');

  it('asks for fresh links half a minute before they expire', () => {
    expect(refreshDelay('2025-01-01T13:00:00Z', now)).toBe(3_600_000 - 30_000);
  });

  it('asks at once when they have expired or the time is unreadable', () => {
    expect(refreshDelay('2025-01-01T11:00:00Z', now)).toBe(0);
    expect(refreshDelay('soon', now)).toBe(0);
  });

  it('never waits longer than a timer can', () => {
    expect(refreshDelay('2099-01-01T00:00:00Z', now)).toBe(2_147_483_647);
  });
});

describe('favourites', () => {
  it('are kept per order and read back', () => {
    // Arrange
    const storage = memoryStorage();

    // Act
    saveFavourites(storage, 'order-1', toggleFavourite(toggleFavourite(new Set(), 'b'), 'a'));

    // Assert
    expect(storage.data[favouritesKey('order-1')]).toBe('["a","b"]');
    expect([...loadFavourites(storage, 'order-1')]).toEqual(['a', 'b']);
    expect(loadFavourites(storage, 'order-2').size).toBe(0);
  });

  it('toggle without changing the set they came from', () => {
    const before = new Set(['a']);
    const after = toggleFavourite(before, 'a');
    expect(after.has('a')).toBe(false);
    expect(before.has('a')).toBe(true);
  });

  it('remove the entry when none is left', () => {
    const storage = memoryStorage({ [favouritesKey('o')]: '["a"]' });
    saveFavourites(storage, 'o', new Set());
    expect(favouritesKey('o') in storage.data).toBe(false);
  });

  it('read nothing from a broken or foreign entry, or without storage', () => {
    expect(loadFavourites(memoryStorage({ [favouritesKey('o')]: '{not json' }), 'o').size).toBe(0);
    expect([...loadFavourites(memoryStorage({ [favouritesKey('o')]: '["a",3,null]' }), 'o')]).toEqual(['a']);
    expect(loadFavourites(memoryStorage({ [favouritesKey('o')]: '{"a":1}' }), 'o').size).toBe(0);
    expect(loadFavourites(undefined, 'o').size).toBe(0);
  });

  it('survive a storage that refuses to write', () => {
    const full: FavouriteStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(() => saveFavourites(full, 'o', new Set(['a']))).not.toThrow();
  });

  it('filter the gallery', () => {
    const images = [{ imageId: 'a' }, { imageId: 'b' }];
    expect(filterGallery(images, 'favourites', new Set(['b']))).toEqual([{ imageId: 'b' }]);
    expect(filterGallery(images, 'all', new Set(['b']))).toEqual(images);
  });
});
