import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { makeLocalImage } from '../../../functions/generation/local-images';
import { fnv1a } from '../../../shared/generation';
import { InputProblems, modelError } from './errors';
import { readLora, writeLora } from './lora';
import { readPrompt } from './prompt';

/*
 * The three fal endpoints the studio calls, as the stand-in runs them: their input
 * schemas (checked as the model does, a 422 with pydantic-shaped details when they do not
 * hold) and their work: FLUX LoRA fast training on a ZIP of face crops, FLUX LoRA
 * generation, and Seedream 4.5 edit with the face crops as references. Pictures come from
 * `makeLocalImage`: the customer's own face crop on the style's backdrop, in the pose the
 * prompt asks for; image i of a call uses seed + i, so a seed always gives the same bytes.
 */

export type RequestKind = 'train' | 'generate';

/** A file the stand-in serves under `/files/…`, described as fal describes its outputs. */
export interface FalFile {
  readonly url: string;
  readonly content_type: string;
  readonly file_name: string;
  readonly file_size: number;
}

/** What a request's work may use: downloads, the stand-in's own files, rendering slots, the drift knob. */
export interface RunContext {
  readonly requestId: string;
  /** Downloads a URL the input names (a presigned S3 GET, one of the stand-in's own files); a failure is a 422 on `loc`. */
  download(url: string, loc: readonly (string | number)[], maxBytes: number): Promise<Buffer>;
  /** Keeps a result file and answers how fal would describe it. */
  saveFile(name: string, bytes: Buffer, contentType: string): FalFile;
  /** Runs CPU-heavy work in one of the few rendering slots. */
  render<T>(work: () => Promise<T>): Promise<T>;
  /** The likeness drift of the image made with this seed (0 unless the drift knob picks it). */
  drift(seed: number): number;
  log(message: string): void;
}

export interface EndpointSpec {
  readonly id: string;
  readonly kind: RequestKind;
  /** Checks the input against the model's schema (throws a 422 {@link FalHttpError}). */
  check(input: Record<string, unknown>): void;
  /** Does the work and answers the result payload. `seed` is the seed drawn at submit for inputs without one. */
  run(input: Record<string, unknown>, context: RunContext, seed: number): Promise<Record<string, unknown>>;
}

const MB = 1024 * 1024;
const MAX_ZIP_BYTES = 256 * MB;
const MAX_IMAGE_BYTES = 20 * MB;
const MAX_LORA_BYTES = 512 * MB;
const MAX_TRAINING_IMAGES = 200;
/** The trainer keeps each crop as a square JPEG of at most this side. */
const CROP_SIDE = 1024;
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|avif)$/i;

// ---- input checks ----

type Input = Record<string, unknown>;

function isUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:', 'data:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function requiredString(problems: InputProblems, input: Input, field: string, { url = false }: { url?: boolean } = {}): void {
  const value = input[field];
  // Data URIs are URLs too, and may be long: only plain strings have a length limit.
  const max = url ? Infinity : 10_000;
  if (value === undefined || value === null) problems.add(field, 'Field required', 'missing');
  else if (typeof value !== 'string') problems.add(field, 'Input should be a valid string', 'string_type', value);
  else if (!value.trim()) problems.add(field, 'String should have at least 1 character', 'string_too_short', value);
  else if (value.length > max) problems.add(field, `String should have at most ${max} characters`, 'string_too_long');
  else if (url && !isUrl(value)) problems.add(field, 'Input should be a valid URL', 'url_parsing', value);
}

function optionalInteger(problems: InputProblems, input: Input, field: string, min: number, max: number): void {
  const value = input[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) problems.add(field, 'Input should be a valid integer', 'int_type', value);
  else if (value < min) problems.add(field, `Input should be greater than or equal to ${min}`, 'greater_than_equal', value);
  else if (value > max) problems.add(field, `Input should be less than or equal to ${max}`, 'less_than_equal', value);
}

function optionalNumber(problems: InputProblems, input: Input, field: string, min: number, max: number): void {
  const value = input[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) problems.add(field, 'Input should be a valid number', 'float_type', value);
  else if (value < min || value > max) problems.add(field, `Input should be between ${min} and ${max}`, value < min ? 'greater_than_equal' : 'less_than_equal', value);
}

function optionalBoolean(problems: InputProblems, input: Input, field: string): void {
  const value = input[field];
  if (value !== undefined && value !== null && typeof value !== 'boolean') problems.add(field, 'Input should be a valid boolean', 'bool_type', value);
}

function optionalEnum(problems: InputProblems, input: Input, field: string, values: readonly string[]): void {
  const value = input[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !values.includes(value)) problems.add(field, `Input should be ${values.map((v) => `'${v}'`).join(' or ')}`, 'enum', value);
}

/** FLUX's named sizes (fal's `image_size` presets). */
const FLUX_SIZES: Readonly<Record<string, { width: number; height: number }>> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
};
/** Seedream 4.5's named sizes (its sides must be 1920–4096). */
const SEEDREAM_SIZES: Readonly<Record<string, { width: number; height: number }>> = {
  auto_2K: { width: 2048, height: 2048 },
  auto_4K: { width: 4096, height: 4096 },
};

function checkImageSize(problems: InputProblems, input: Input, presets: Readonly<Record<string, { width: number; height: number }>>, min: number, max: number): void {
  const value = input.image_size;
  if (value === undefined || value === null) return;
  if (typeof value === 'string') {
    if (!Object.hasOwn(presets, value)) problems.add('image_size', `Input should be ${Object.keys(presets).map((v) => `'${v}'`).join(', ')} or an object with width and height`, 'enum', value);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.add('image_size', 'Input should be a valid dictionary or a size name', 'model_type', value);
    return;
  }
  for (const side of ['width', 'height'] as const) {
    const size = (value as Record<string, unknown>)[side];
    if (size === undefined) problems.add(['image_size', side], 'Field required', 'missing');
    else if (typeof size !== 'number' || !Number.isInteger(size)) problems.add(['image_size', side], 'Input should be a valid integer', 'int_type', size);
    else if (size < min || size > max) problems.add(['image_size', side], `Input should be between ${min} and ${max}`, size < min ? 'greater_than_equal' : 'less_than_equal', size);
  }
}

function sizeOf(input: Input, presets: Readonly<Record<string, { width: number; height: number }>>, fallback: { width: number; height: number }) {
  const value = input.image_size;
  if (typeof value === 'string') return presets[value]!;
  if (value && typeof value === 'object') return value as { width: number; height: number };
  return fallback;
}

// ---- shared work ----

/** A face crop as the generator wants it: a square JPEG, at most {@link CROP_SIDE} px, upright. */
async function squareCrop(bytes: Buffer): Promise<Buffer> {
  const image = sharp(bytes, { limitInputPixels: 8192 * 8192, failOn: 'error' }).autoOrient();
  const { width = 0, height = 0, autoOrient } = await image.metadata();
  const w = autoOrient?.width ?? width;
  const h = autoOrient?.height ?? height;
  const side = Math.min(w, h, CROP_SIDE);
  if (side < 16) throw new Error(`${w}×${h} is too small`);
  return image.resize(side, side, { fit: 'cover', position: 'centre' }).toColourspace('srgb').jpeg({ quality: 92 }).toBuffer();
}

async function makeImages(
  context: RunContext,
  input: Input,
  faces: readonly Buffer[],
  size: { width: number; height: number },
  format: 'jpeg' | 'png',
  seed: number,
): Promise<{ url: string; content_type: string; file_name: string; file_size: number; width: number; height: number }[]> {
  const { pose, style } = readPrompt(String(input.prompt));
  const count = typeof input.num_images === 'number' ? input.num_images : 1;
  context.log(`Generating ${count} image(s), ${size.width}×${size.height}, pose ${pose}, seed ${seed}`);
  const images = [];
  for (let i = 0; i < count; i++) {
    const imageSeed = seed + i;
    const face = faces[fnv1a(String(imageSeed)) % faces.length]!;
    const picture = await context.render(() =>
      makeLocalImage({ face, style, pose, seed: imageSeed, likenessDrift: context.drift(imageSeed), width: size.width, height: size.height, format }),
    );
    const file = context.saveFile(`image-${i}.${format === 'png' ? 'png' : 'jpg'}`, picture.bytes, picture.contentType);
    images.push({ ...file, width: picture.width, height: picture.height });
  }
  return images;
}

// ---- the endpoints ----

const training: EndpointSpec = {
  id: 'fal-ai/flux-lora-fast-training',
  kind: 'train',
  check(input) {
    const problems = new InputProblems();
    requiredString(problems, input, 'images_data_url', { url: true });
    const trigger = input.trigger_word;
    if (trigger !== undefined && trigger !== null && typeof trigger !== 'string') problems.add('trigger_word', 'Input should be a valid string', 'string_type', trigger);
    optionalInteger(problems, input, 'steps', 1, 10_000);
    optionalBoolean(problems, input, 'create_masks');
    optionalBoolean(problems, input, 'is_style');
    problems.throwIfAny();
  },
  async run(input, context) {
    const started = Date.now();
    const zip = await context.download(String(input.images_data_url), ['body', 'images_data_url'], MAX_ZIP_BYTES);
    let entries: Record<string, Uint8Array>;
    try {
      let count = 0;
      entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.length), {
        filter: (file) => IMAGE_EXTENSIONS.test(file.name) && !/(^|\/)(__MACOSX|\.)/.test(file.name) && file.originalSize <= MAX_IMAGE_BYTES && ++count <= MAX_TRAINING_IMAGES,
      });
    } catch (error) {
      throw modelError([{ loc: ['body', 'images_data_url'], msg: `The file is not a ZIP archive that can be read: ${(error as Error).message}`, type: 'file_download_error' }]);
    }
    const faces: Buffer[] = [];
    for (const name of Object.keys(entries).sort()) {
      try {
        faces.push(await context.render(() => squareCrop(Buffer.from(entries[name]!))));
      } catch (error) {
        context.log(`Skipping ${name}: ${(error as Error).message}`);
      }
    }
    if (!faces.length) throw modelError([{ loc: ['body', 'images_data_url'], msg: 'The archive holds no image the trainer can read', type: 'image_load_error' }]);
    const triggerWord = typeof input.trigger_word === 'string' ? input.trigger_word : '';
    const steps = typeof input.steps === 'number' ? input.steps : 1000;
    context.log(`Training on ${faces.length} image(s), ${steps} steps, trigger word "${triggerWord}"`);
    const lora = writeLora({ trainingRequestId: context.requestId, triggerWord, faces });
    const config = Buffer.from(
      `${JSON.stringify({ trigger_word: triggerWord, steps, images: faces.length, create_masks: input.create_masks ?? true, is_style: input.is_style ?? false, trainer: 'local fal stand-in', seconds: (Date.now() - started) / 1000 }, null, 2)}\n`,
    );
    return {
      diffusers_lora_file: context.saveFile('pytorch_lora_weights.safetensors', lora, 'application/octet-stream'),
      config_file: context.saveFile('config.json', config, 'application/octet-stream'),
    };
  },
};

const fluxLora: EndpointSpec = {
  id: 'fal-ai/flux-lora',
  kind: 'generate',
  check(input) {
    const problems = new InputProblems();
    requiredString(problems, input, 'prompt');
    const loras = input.loras;
    if (loras !== undefined && loras !== null) {
      if (!Array.isArray(loras)) problems.add('loras', 'Input should be a valid list', 'list_type', loras);
      else
        loras.forEach((lora: unknown, i) => {
          const entry = lora as Record<string, unknown> | null;
          if (!entry || typeof entry !== 'object') return problems.add(['loras', i], 'Input should be a valid dictionary', 'model_type', lora);
          if (typeof entry.path !== 'string' || !entry.path) problems.add(['loras', i, 'path'], 'Field required', 'missing');
          if (entry.scale !== undefined && (typeof entry.scale !== 'number' || entry.scale < 0 || entry.scale > 4)) problems.add(['loras', i, 'scale'], 'Input should be between 0 and 4', 'less_than_equal', entry.scale);
        });
    }
    optionalInteger(problems, input, 'num_images', 1, 4);
    optionalInteger(problems, input, 'seed', 0, Number.MAX_SAFE_INTEGER - 16);
    checkImageSize(problems, input, FLUX_SIZES, 64, 4096);
    optionalEnum(problems, input, 'output_format', ['jpeg', 'png']);
    optionalInteger(problems, input, 'num_inference_steps', 1, 50);
    optionalNumber(problems, input, 'guidance_scale', 0, 35);
    optionalBoolean(problems, input, 'enable_safety_checker');
    optionalBoolean(problems, input, 'sync_mode');
    problems.throwIfAny();
  },
  async run(input, context, drawnSeed) {
    const started = Date.now();
    const paths = ((input.loras as { path: string }[] | undefined) ?? []).map((lora) => lora.path);
    let faces: readonly Buffer[] | undefined;
    for (const [i, path] of paths.entries()) {
      const lora = readLora(await context.download(path, ['body', 'loras', i, 'path'], MAX_LORA_BYTES));
      if (lora) {
        faces = lora.faces;
        break;
      }
    }
    if (!faces) {
      throw modelError([
        { loc: ['body', 'loras'], msg: 'The local generator draws the customer from a LoRA its own trainer made (fal-ai/flux-lora-fast-training on this stand-in); none was given', type: 'feature_not_supported' },
      ]);
    }
    const seed = typeof input.seed === 'number' ? input.seed : drawnSeed;
    const size = sizeOf(input, FLUX_SIZES, FLUX_SIZES.landscape_4_3!);
    const format = input.output_format === 'png' ? 'png' : 'jpeg';
    const images = await makeImages(context, input, faces, size, format, seed);
    return { images, timings: { inference: (Date.now() - started) / 1000 }, seed, has_nsfw_concepts: images.map(() => false), prompt: input.prompt };
  },
};

const seedreamEdit: EndpointSpec = {
  id: 'fal-ai/bytedance/seedream/v4.5/edit',
  kind: 'generate',
  check(input) {
    const problems = new InputProblems();
    requiredString(problems, input, 'prompt');
    const urls = input.image_urls;
    if (urls === undefined || urls === null) problems.add('image_urls', 'Field required', 'missing');
    else if (!Array.isArray(urls)) problems.add('image_urls', 'Input should be a valid list', 'list_type', urls);
    else if (urls.length < 1 || urls.length > 10) problems.add('image_urls', 'List should have 1 to 10 items', urls.length < 1 ? 'too_short' : 'too_long');
    else urls.forEach((url: unknown, i) => isUrl(url) || problems.add(['image_urls', i], 'Input should be a valid URL', 'url_parsing', url));
    optionalInteger(problems, input, 'num_images', 1, 6);
    optionalInteger(problems, input, 'max_images', 1, 6);
    optionalInteger(problems, input, 'seed', 0, 2_147_483_647);
    checkImageSize(problems, input, SEEDREAM_SIZES, 1920, 4096);
    optionalEnum(problems, input, 'output_format', ['jpeg', 'png']);
    optionalBoolean(problems, input, 'enable_safety_checker');
    optionalBoolean(problems, input, 'sync_mode');
    if (problems.empty && Array.isArray(urls)) {
      const outputs = ((input.num_images as number | undefined) ?? 1) * ((input.max_images as number | undefined) ?? 1);
      if (urls.length + outputs > 15) problems.add('image_urls', `Input images plus output images must be at most 15 (here ${urls.length} + ${outputs})`, 'value_error');
    }
    problems.throwIfAny();
  },
  async run(input, context, drawnSeed) {
    const faces: Buffer[] = [];
    for (const [i, url] of (input.image_urls as string[]).entries()) {
      const bytes = await context.download(url, ['body', 'image_urls', i], MAX_IMAGE_BYTES);
      try {
        faces.push(await context.render(() => squareCrop(bytes)));
      } catch (error) {
        throw modelError([{ loc: ['body', 'image_urls', i], msg: `The image could not be read: ${(error as Error).message}`, type: 'image_load_error' }]);
      }
    }
    const seed = typeof input.seed === 'number' ? input.seed : drawnSeed & 0x7fffffff;
    const size = sizeOf(input, SEEDREAM_SIZES, SEEDREAM_SIZES.auto_2K!);
    const format = input.output_format === 'jpeg' ? 'jpeg' : 'png';
    return { images: await makeImages(context, input, faces, size, format, seed), seed };
  },
};

/** The endpoints the stand-in answers, by endpoint ID. */
export const ENDPOINTS: Readonly<Record<string, EndpointSpec>> = Object.fromEntries([training, fluxLora, seedreamEdit].map((spec) => [spec.id, spec]));

