import { zipSync, type Zippable } from 'fflate';
import { MAX_PHOTOS_PER_ORDER } from '#shared/photos';

/*
 * The training set of a customer's LoRA: a ZIP of their accepted selfies' square face
 * crops, as fal's FLUX LoRA fast training takes it (`images_data_url`, `TRAINING` in
 * `shared/generation.ts`). fal's input schema (the `@fal-ai/client` endpoint types):
 * "URL to zip archive with images. Try to use at least 4 images in general the more the
 * better. In addition to images the archive can contain text files with captions.
 * Each text file should have the same name as the image file it corresponds to"
 * ('photo.jpg' and 'photo.txt'). And of `trigger_word`: "If no captions are provided
 * the trigger_word will be used instead of captions. If captions are, the trigger word
 * will not be used." So a caption must carry the trigger word itself: with a trigger
 * word, each crop gets `<name>.txt` saying "photo of <trigger word>", the words the
 * generation prompts start with (`promptFor`); without one, images only.
 *
 * Everything sits in the archive's root. Entries are named from the crops' names
 * (photo IDs), in the order given, and every entry carries the same fixed date, so
 * the same crops always give the same bytes: a retried step writes the same object.
 * JPEGs are already compressed, so entries are stored, not deflated.
 */

export interface TrainingCrop {
  /** A stable name of the crop, e.g. its photo ID; becomes `<name>.jpg` (characters other than letters, digits, `.`, `_` and `-` become `-`). */
  readonly name: string;
  /** The square face crop (JPEG), as validation writes it. */
  readonly jpeg: Buffer;
}

export interface TrainingZipOptions {
  /** The LoRA's trigger word; when given, every image gets a caption with it. */
  readonly triggerWord?: string;
}

/** At least one image. fal recommends at least 4; an order reaches training only with `MIN_ACCEPTED_PHOTOS` (6) accepted photos. */
export const MIN_TRAINING_IMAGES = 1;
/** No more crops than an order holds photos. */
export const MAX_TRAINING_IMAGES = MAX_PHOTOS_PER_ORDER;
/** The date of every entry (local time, as ZIP stores it): fixed so that the archive's bytes depend on its content only. */
const ENTRY_DATE = new Date(2000, 0, 1);
const MAX_NAME_LENGTH = 100;

/** The caption of every image: the words the generation prompts begin with (`promptFor` in `shared/generation.ts`). */
export const trainingCaption = (triggerWord: string): string => `photo of ${triggerWord}`;

/** A crop's entry name without extension: safe characters only, no leading dot, no `.jpg` twice. */
export function entryStem(name: string): string {
  const stem = name
    .trim()
    .replace(/\.jpe?g$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_NAME_LENGTH);
  if (!stem) throw new RangeError(`trainingZip: the crop name ${JSON.stringify(name)} leaves no file name`);
  return stem;
}

const isJpeg = (bytes: Buffer) => bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/** The ZIP of the crops (and captions), for fal's `images_data_url`. */
export function trainingZip(crops: readonly TrainingCrop[], options: TrainingZipOptions = {}): Buffer {
  if (crops.length < MIN_TRAINING_IMAGES) throw new RangeError(`trainingZip: at least ${MIN_TRAINING_IMAGES} face crop is needed, got none`);
  if (crops.length > MAX_TRAINING_IMAGES) throw new RangeError(`trainingZip: at most ${MAX_TRAINING_IMAGES} face crops, got ${crops.length}`);
  const { triggerWord } = options;
  if (triggerWord !== undefined && (!triggerWord.trim() || /[\r\n]/.test(triggerWord) || triggerWord.length > 64)) {
    throw new RangeError(`trainingZip: the trigger word must be one line of 1–64 characters, got ${JSON.stringify(triggerWord)}`);
  }
  const caption = triggerWord === undefined ? undefined : new TextEncoder().encode(trainingCaption(triggerWord.trim()));
  const entries: Zippable = {};
  const seen = new Set<string>();
  for (const crop of crops) {
    const stem = entryStem(crop.name);
    // ZIP readers (and fal's trainer, pairing image and caption by name) may fold case: names must differ beyond it.
    if (seen.has(stem.toLowerCase())) throw new RangeError(`trainingZip: two crops are both named "${stem}"`);
    seen.add(stem.toLowerCase());
    if (!isJpeg(crop.jpeg)) throw new RangeError(`trainingZip: the crop "${crop.name}" is not a JPEG`);
    entries[`${stem}.jpg`] = new Uint8Array(crop.jpeg.buffer, crop.jpeg.byteOffset, crop.jpeg.length);
    if (caption) entries[`${stem}.txt`] = caption;
  }
  return Buffer.from(zipSync(entries, { level: 0, mtime: ENTRY_DATE }));
}
