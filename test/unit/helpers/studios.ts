import type { StoredImage, StudioRecord, StyleRecord } from '#functions/studios/studio-store';
import type { StudioInput, StyleInput } from '#shared/studios';
import { STYLES } from './orders';

export const STUDIO_ID = 'north-light-studio';

/** A studio as an admin describes it. */
export const STUDIO_INPUT: StudioInput = {
  name: 'North Light Studio',
  photographer: { name: 'Ines Moreau', bio: 'Twenty years of portraits in a north-facing loft.' },
  description: 'Soft daylight portraits for people who hate having their picture taken.',
  tags: ['corporate', 'daylight'],
};

/** A style as an admin describes it (the first of the order fixtures' styles, priced `priceCredits`). */
export function styleInput(priceCredits = 12, overrides: Partial<StyleInput> = {}): StyleInput {
  const { styleId: _id, ...style } = STYLES[0]!;
  return { ...style, prompt: 'a calm corporate headshot, shoulders square to the camera', priceCredits, ...overrides };
}

export const image = (imageId: string, kind: StoredImage['kind'] = 'sample', studioId = STUDIO_ID, styleId = 'corporate-grey'): StoredImage => ({
  imageId,
  kind,
  key: `studios/${studioId}/${styleId}/${imageId}`,
});

/** A stored studio (a fake store derives its summary from the styles it is seeded with). */
export function studioRecord(overrides: Partial<StudioRecord> = {}): StudioRecord {
  return {
    ...STUDIO_INPUT,
    studioId: STUDIO_ID,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    styleCount: 0,
    version: 0,
    ...overrides,
  };
}

/** A stored style of the studio: the order fixtures' styles, with the images given. */
export function styleRecord(index: 0 | 1, images: readonly StoredImage[] = [], overrides: Partial<StyleRecord> = {}): StyleRecord {
  const { styleId, ...style } = STYLES[index]!;
  return {
    ...style,
    studioId: STUDIO_ID,
    styleId,
    images,
    createdAt: `2020-01-01T00:0${index + 1}:00.000Z`,
    updatedAt: `2020-01-01T00:0${index + 1}:00.000Z`,
    ...overrides,
  };
}

/** A signer that needs no credentials: the URL names the key. */
export const fakeSign = (key: string): Promise<string> => Promise.resolve(`https://signed.test/${key}`);
