import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { styleImageKey, StudioStore } from '../../functions/studios/studio-store';
import { LedgerStore } from '../../functions/wallets/ledger-store';
import type { StudioInput, StyleInput } from '../../shared/studios';
import { SIGNUP_GRANT_CREDITS } from '../../shared/wallets';
import { sampleFaces } from '../sample-faces';
import { composeSample } from '../../functions/generation/compose';

/** A style of the seed marketplace, with the colours its sample pictures are composed on. */
interface SeedStyle extends StyleInput {
  readonly styleId: string;
  /** Backdrop gradient, top to bottom. */
  readonly colours: readonly [string, string];
}

interface SeedStudio extends StudioInput {
  readonly studioId: string;
  readonly styles: readonly SeedStyle[];
}

/** The local marketplace: four studios of three styles, each style with two sample pictures. */
export const SEED_STUDIOS: readonly SeedStudio[] = [
  {
    studioId: 'north-light-studio',
    name: 'North Light Studio',
    photographer: { name: 'Maren Holt', bio: 'Corporate portrait photographer in Oslo for fifteen years; soft window light and honest expressions.' },
    description: 'Clean, confident business headshots for profiles, press kits and company pages.',
    tags: ['corporate', 'linkedin', 'classic'],
    styles: [
      style('corporate-grey', 'Corporate grey', 'mid-grey seamless paper', 'dark suit jacket, white shirt', 'soft key light with gentle fill', 12, ['#8a8f96', '#5d626a']),
      style('boardroom-blue', 'Boardroom blue', 'deep blue gradient backdrop', 'navy blazer', 'crisp key light, subtle rim light', 14, ['#2f4f7f', '#16263f']),
      style('bright-office', 'Bright office', 'soft-focus bright modern office', 'business casual', 'large window light', 10, ['#e9e4dc', '#b9b2a6']),
    ],
  },
  {
    studioId: 'atelier-noir',
    name: 'Atelier Noir',
    photographer: { name: 'Julien Marchetti', bio: 'Fashion and editorial photographer; low-key light and strong shadows are his signature.' },
    description: 'Dramatic low-key portraits for artists, authors and founders who want to stand out.',
    tags: ['editorial', 'dramatic', 'creative'],
    styles: [
      style('studio-black', 'Studio black', 'deep black backdrop', 'dark knit or blazer', 'low-key Rembrandt light', 16, ['#1c1c1e', '#050505']),
      style('charcoal-rim', 'Charcoal rim', 'charcoal mottled canvas', 'black turtleneck', 'hard rim light from behind', 18, ['#3a3a3c', '#141414']),
      style('burgundy-mood', 'Burgundy mood', 'burgundy painted backdrop', 'dark tailored jacket', 'single soft box, deep shadows', 18, ['#5b1a2a', '#2a0a12']),
    ],
  },
  {
    studioId: 'golden-hour-collective',
    name: 'Golden Hour Collective',
    photographer: { name: 'Ana Ribeiro', bio: 'Outdoor portrait photographer from Lisbon who chases the last hour of sun.' },
    description: 'Warm, natural portraits in parks and city streets, for people who want to look approachable.',
    tags: ['outdoor', 'natural', 'linkedin'],
    styles: [
      style('park-natural', 'Park natural', 'blurred green park', 'smart casual', 'late-afternoon daylight', 12, ['#7fa65a', '#3e5f2c']),
      style('city-warm', 'City warm', 'blurred warm city street', 'light jacket', 'golden backlight with reflector fill', 14, ['#d9a066', '#8a5a32']),
      style('seaside-breeze', 'Seaside breeze', 'soft-focus sea and sky', 'linen shirt', 'bright overcast daylight', 12, ['#9cc7e0', '#4f86a8']),
    ],
  },
  {
    studioId: 'colour-theory',
    name: 'Colour Theory',
    photographer: { name: 'Kenji Watanabe', bio: 'Brand photographer for start-ups and creative agencies; bold colour is his language.' },
    description: 'Saturated backdrops and crisp beauty light for creative teams and personal brands.',
    tags: ['creative', 'colourful', 'team'],
    styles: [
      style('teal-pop', 'Teal pop', 'saturated teal backdrop', 'bold colour top', 'crisp beauty dish', 15, ['#1aa3a3', '#0b5e63']),
      style('sunshine-yellow', 'Sunshine yellow', 'bright yellow paper backdrop', 'white or denim shirt', 'even clamshell light', 15, ['#f4c430', '#c99400']),
      style('coral-studio', 'Coral studio', 'coral gradient backdrop', 'neutral knit', 'soft beauty light with hair light', 15, ['#f08070', '#b34a3c']),
    ],
  },
];

function style(styleId: string, name: string, backdrop: string, wardrobe: string, lighting: string, priceCredits: number, colours: [string, string]): SeedStyle {
  return {
    styleId,
    name,
    backdrop,
    wardrobe,
    lighting,
    priceCredits,
    colours,
    prompt: `professional headshot portrait of the customer, ${name.toLowerCase()} look, head and shoulders, looking at the camera, natural skin texture, sharp focus on the eyes`,
  };
}

/**
 * Seeds the local marketplace once: each studio missing from the table is
 * created through the studio store, with its styles and two sample pictures
 * per style uploaded to the studio media bucket. Studios already there (and
 * any an admin made or edited) are left alone.
 */
export async function seedStudios(doc: DynamoDBDocumentClient, tableName: string, s3: S3Client, bucket: string, cacheDir: string): Promise<number> {
  const store = new StudioStore(doc, tableName);
  const missing: SeedStudio[] = [];
  for (const studio of SEED_STUDIOS) if (!(await store.get(studio.studioId))) missing.push(studio);
  if (!missing.length) return 0;
  const faces = await sampleFaces(cacheDir);
  let next = 0;
  for (const { studioId, styles, ...input } of missing) {
    await store.create(studioId, input);
    for (const { styleId, colours, ...styleInput } of styles) {
      await store.putStyle(studioId, styleId, styleInput);
      for (let n = 0; n < 2; n++) {
        const face = faces[next++ % faces.length]!;
        const imageId = `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
        const key = styleImageKey(studioId, styleId, imageId);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await composeSample(face.jpeg, colours), ContentType: 'image/jpeg' }));
        await store.addImage(studioId, styleId, { imageId, kind: 'sample', key });
      }
    }
  }
  return missing.length;
}

/** Credits on each demo account's wallet, so the demo can place orders without buying any first. */
export const DEMO_CREDITS = 500;

/**
 * Opens each demo person's wallet (with the sign-up credits, as their first
 * visit would) and tops it up to {@link DEMO_CREDITS} once: an idempotent
 * grant, so restarts add nothing.
 */
export async function seedDemoWallets(doc: DynamoDBDocumentClient, tableName: string, people: readonly { readonly sub: string; readonly email: string }[]): Promise<void> {
  const ledger = new LedgerStore(doc, tableName);
  for (const person of people) {
    await ledger.openPersonal(person.sub, person.sub, person.email, SIGNUP_GRANT_CREDITS);
    await ledger.grant(person.sub, { amount: DEMO_CREDITS - SIGNUP_GRANT_CREDITS, reference: 'demo', idempotencyKey: 'demo-credits' });
  }
}
