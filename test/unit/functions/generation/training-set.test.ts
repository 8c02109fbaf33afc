import { strFromU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { entryStem, MAX_TRAINING_IMAGES, trainingCaption, trainingZip, type TrainingCrop } from '#functions/generation/training-set';
import { MAX_PHOTOS_PER_ORDER } from '#shared/photos';

let crops: TrainingCrop[];

beforeAll(async () => {
  crops = await Promise.all(
    ['#a87', '#8a7', '#78a'].map(async (colour, i) => ({ name: `photo-${i + 1}`, jpeg: await sharp({ create: { width: 64, height: 64, channels: 3, background: colour } }).jpeg().toBuffer() })),
  );
});

const entries = (zip: Buffer) => unzipSync(new Uint8Array(zip));

describe('trainingZip', () => {
  it('puts every crop in the archive root as <name>.jpg, byte for byte, and nothing else without a trigger word', () => {
    const files = entries(trainingZip(crops));
    expect(Object.keys(files)).toEqual(['photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg']);
    crops.forEach((crop, i) => expect(Buffer.from(files[`photo-${i + 1}.jpg`]!).equals(crop.jpeg)).toBe(true));
  });

  it('with a trigger word, captions each image in a .txt of the same name, in the words the prompts begin with', () => {
    const files = entries(trainingZip(crops, { triggerWord: 'hsk1234' }));
    expect(Object.keys(files).sort()).toEqual(['photo-1.jpg', 'photo-1.txt', 'photo-2.jpg', 'photo-2.txt', 'photo-3.jpg', 'photo-3.txt']);
    for (const i of [1, 2, 3]) expect(strFromU8(files[`photo-${i}.txt`]!)).toBe('photo of hsk1234');
    expect(trainingCaption('hsk1234')).toBe('photo of hsk1234');
  });

  it('gives the same bytes for the same crops, at any time (a retried step writes the same object)', async () => {
    const first = trainingZip(crops, { triggerWord: 'hsk1234' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(trainingZip(crops, { triggerWord: 'hsk1234' }).equals(first)).toBe(true);
    expect(trainingZip(crops.slice().reverse()).equals(trainingZip(crops))).toBe(false);
  });

  it('makes safe, stable entry names from the crops’ names', () => {
    expect(entryStem('01HZX3-photo')).toBe('01HZX3-photo');
    expect(entryStem('selfie.JPG')).toBe('selfie');
    expect(entryStem('../etc/passwd')).toBe('etc-passwd');
    expect(entryStem('my photo #1.jpeg')).toBe('my-photo--1');
    expect(entryStem('x'.repeat(300))).toHaveLength(100);
    expect(() => entryStem('...')).toThrow(RangeError);
    const files = entries(trainingZip([{ name: 'a/b\\c', jpeg: crops[0]!.jpeg }]));
    expect(Object.keys(files)).toEqual(['a-b-c.jpg']);
  });

  it('refuses no crops, more than an order holds, names that collide, non-JPEG bytes and a bad trigger word', () => {
    expect(MAX_TRAINING_IMAGES).toBe(MAX_PHOTOS_PER_ORDER);
    expect(() => trainingZip([])).toThrow(/at least 1/);
    const many = Array.from({ length: MAX_TRAINING_IMAGES + 1 }, (_, i) => ({ name: `p${i}`, jpeg: crops[0]!.jpeg }));
    expect(() => trainingZip(many)).toThrow(/at most 20/);
    expect(Object.keys(entries(trainingZip(many.slice(0, MAX_TRAINING_IMAGES))))).toHaveLength(MAX_TRAINING_IMAGES);
    expect(() => trainingZip([crops[0]!, { ...crops[1]!, name: 'PHOTO-1' }])).toThrow(/both named/);
    expect(() => trainingZip([{ name: 'a', jpeg: Buffer.from('\x89PNG\r\n\x1a\n') }])).toThrow(/not a JPEG/);
    for (const triggerWord of ['', '  ', 'two\nlines', 'x'.repeat(65)]) expect(() => trainingZip(crops, { triggerWord })).toThrow(/trigger word/);
  });
});
