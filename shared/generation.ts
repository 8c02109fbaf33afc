import * as z from './validation';

/*
 * What the generator is asked for, as data: the product's poses, the pose sets a
 * style chooses from, the batches one style is generated in, the seed of every
 * image slot, and the engine presets (provider endpoint, settings and list price)
 * an order or a studio picks. Pure: no AWS SDK, no provider client; the fal.ai and
 * local adapters read these and the web app shows the labels.
 */

/** Images per provider call: one pose of one style is generated in a batch of this size. */
export const BATCH_SIZE = 3;

/** The nine poses of the product, in the order the web app shows them. IDs are stable: they are stored on images and in S3 keys. */
export const POSES = [
  { id: 'front', label: 'Front', prompt: 'facing the camera squarely, head and shoulders, looking into the lens' },
  { id: 'three-quarter-left', label: 'Three-quarter left', prompt: 'body turned three-quarters to the left, face towards the camera' },
  { id: 'three-quarter-right', label: 'Three-quarter right', prompt: 'body turned three-quarters to the right, face towards the camera' },
  { id: 'profile-left', label: 'Profile left', prompt: 'side profile, facing left' },
  { id: 'profile-right', label: 'Profile right', prompt: 'side profile, facing right' },
  { id: 'close-up', label: 'Close-up', prompt: 'tight close-up of the face, eyes in sharp focus' },
  { id: 'shoulders', label: 'Head and shoulders', prompt: 'head and shoulders with room around them, relaxed shoulders' },
  { id: 'seated', label: 'Seated', prompt: 'seated, upper body, relaxed posture, hands resting' },
  { id: 'standing', label: 'Standing', prompt: 'standing, three-quarter length, confident posture' },
] as const satisfies readonly { id: string; label: string; prompt: string }[];

export type PoseId = (typeof POSES)[number]['id'];
export type Pose = (typeof POSES)[number];

export const POSE_IDS = POSES.map((pose) => pose.id) as readonly PoseId[];

/**
 * Named pose sets a style can choose. `classic` is the default: four poses, 12
 * images per style in batches of {@link BATCH_SIZE}; `complete` is all nine.
 */
export const POSE_SETS = {
  classic: ['front', 'three-quarter-left', 'three-quarter-right', 'shoulders'],
  editorial: ['front', 'three-quarter-left', 'profile-left', 'profile-right', 'close-up'],
  lifestyle: ['front', 'shoulders', 'seated', 'standing'],
  complete: POSE_IDS,
} as const satisfies Record<string, readonly PoseId[]>;

export type PoseSetId = keyof typeof POSE_SETS;
export const POSE_SET_IDS = Object.keys(POSE_SETS) as PoseSetId[];
export const DEFAULT_POSE_SET: PoseSetId = 'classic';

/**
 * A style's choice of poses, for its schema (`shared/studios.ts` can add these two
 * optional fields): a named set, or an explicit list of pose IDs (which wins).
 */
export const stylePosesSchema = z.object({
  poseSet: z.optional(z.enum(POSE_SET_IDS as [PoseSetId, ...PoseSetId[]])),
  poses: z.optional(
    z
      .array(z.enum(POSE_IDS as [PoseId, ...PoseId[]]))
      .check(
        z.minLength(1, 'Pick at least one pose'),
        z.maxLength(POSES.length, `A style has at most ${POSES.length} poses`),
        z.refine((ids) => new Set(ids).size === ids.length, 'Each pose may be picked once'),
      ),
  ),
});
export type StylePoses = z.output<typeof stylePosesSchema>;

export function poseById(id: string): Pose | undefined {
  return POSES.find((pose) => pose.id === id);
}

/** The poses a style is generated in: its own list, else its named set, else the default set; always in product order. */
export function posesForStyle(style: { readonly poseSet?: string; readonly poses?: readonly string[] } = {}): Pose[] {
  const chosen = style.poses?.length ? style.poses : POSE_SETS[(style.poseSet ?? DEFAULT_POSE_SET) as PoseSetId];
  if (!chosen) throw new RangeError(`Unknown pose set "${style.poseSet}"; one of ${POSE_SET_IDS.join(', ')}`);
  const unknown = chosen.filter((id) => !poseById(id));
  if (unknown.length) throw new RangeError(`Unknown pose ${unknown.map((id) => `"${id}"`).join(', ')}; one of ${POSE_IDS.join(', ')}`);
  return POSES.filter((pose) => chosen.includes(pose.id));
}

/**
 * One provider call: {@link BATCH_SIZE} images of one style in one pose (the
 * provider draws several images from one prompt; a pose is part of the prompt).
 */
export interface PoseBatch {
  /** `<styleId>#<poseId>`: stable, so a retried step finds its batch. */
  readonly batchId: string;
  readonly styleId: string;
  readonly poseId: PoseId;
  /** Slot numbers 0..BATCH_SIZE-1 of the images in this batch. */
  readonly slots: readonly number[];
}

/** The batches of one style: one per pose. */
export function batchesForStyle(styleId: string, poses: readonly Pose[]): PoseBatch[] {
  const slots = Array.from({ length: BATCH_SIZE }, (_, slot) => slot);
  return poses.map((pose) => ({ batchId: `${styleId}#${pose.id}`, styleId, poseId: pose.id, slots }));
}

/** Images one style yields: its poses × {@link BATCH_SIZE}. */
export const imagesForStyle = (poses: readonly Pose[]): number => poses.length * BATCH_SIZE;

/**
 * The seed of one image slot and attempt: FNV-1a (32-bit) of
 * `order/style/pose/slot/attempt`, kept to 31 bits (fal's seeds are non-negative
 * integers; Seedream accepts up to 2,147,483,647). The same slot and attempt always
 * get the same seed, so a retried step asks for the same picture; the identity lock's
 * regeneration is the next attempt, so a new seed.
 */
export function imageSeed(orderId: string, styleId: string, poseId: string, slot: number, attempt = 0): number {
  return fnv1a(`${orderId}/${styleId}/${poseId}/${slot}/${attempt}`) & 0x7fffffff;
}

/** 32-bit FNV-1a of a string's UTF-16 code units; small, fast and stable across runtimes. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The prompt of one batch: the style's plan prompt, the pose, and the LoRA's trigger word when the engine uses one. */
export function promptFor(stylePrompt: string, pose: Pose, triggerWord?: string): string {
  return `${triggerWord ? `photo of ${triggerWord}, ` : ''}${stylePrompt}; ${pose.prompt}`;
}

/**
 * A provider's published list price, as finance reads it: what one unit costs at
 * the provider's public price list on the day it was checked. Not what we are
 * billed (volume deals, failed calls that are not billed); record it per call.
 */
export interface ListPrice {
  readonly usd: number;
  readonly per: 'image' | 'megapixel' | 'run';
  /** ISO date the price was read. */
  readonly checked: string;
  readonly source: string;
}

/** The day the prices and endpoints below were read (fal.ai model pages and API docs). */
export const PRICES_CHECKED = '2026-11-29';

/**
 * The LoRA trainer: fal's FLUX LoRA fast training, on a ZIP of the face crops
 * (`images_data_url`), with a trigger word the prompts then use. The result carries
 * `diffusers_lora_file.url`, which the FLUX LoRA presets pass in `loras`.
 */
export const TRAINING = {
  provider: 'fal',
  endpoint: 'fal-ai/flux-lora-fast-training',
  settings: { steps: 1000, create_masks: true, is_style: false },
  listPrice: { usd: 2, per: 'run', checked: PRICES_CHECKED, source: 'https://fal.ai/models/fal-ai/flux-lora-fast-training (FACTS.md: about $2 per run)' },
} as const satisfies { provider: string; endpoint: string; settings: Record<string, unknown>; listPrice: ListPrice };

export const ENGINE_IDS = ['quality', 'balanced', 'fast'] as const;
export type EngineId = (typeof ENGINE_IDS)[number];
export const DEFAULT_ENGINE: EngineId = 'balanced';

/**
 * How an engine keeps the customer's face: the trained LoRA (FLUX), or the face
 * crops given as reference images (Seedream's edit endpoint takes no LoRA).
 */
export type IdentitySource = 'lora' | 'references';

export interface EnginePreset {
  readonly id: EngineId;
  readonly label: string;
  readonly description: string;
  readonly provider: 'fal';
  /** fal endpoint ID (`fal.queue.submit(endpoint, …)`). */
  readonly endpoint: string;
  readonly identity: IdentitySource;
  /** Output size in pixels, also the local generator's canvas. */
  readonly width: number;
  readonly height: number;
  /**
   * Input fields sent as they are, besides what each call adds: `prompt`, `seed`,
   * `num_images` ({@link BATCH_SIZE}), and `loras` or `image_urls`.
   */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly listPrice: ListPrice;
}

/**
 * The engines an order or a studio chooses from (checked on fal.ai, 2026-11-29):
 *
 * - **quality**: Seedream 4.5 edit, the face crops as `image_urls` (up to 10;
 *   inputs + outputs ≤ 15), 2048×2048 (its sides must be 1920–4096), $0.04 per image.
 * - **balanced**: FLUX.1 [dev] with the customer's LoRA, 1024×1024, 28 steps
 *   (fal's default), $0.035 per megapixel.
 * - **fast**: the same endpoint at 12 steps: about half the GPU time per image at the
 *   same list price (fal bills FLUX LoRA by output megapixels, not steps).
 */
export const ENGINE_PRESETS: Readonly<Record<EngineId, EnginePreset>> = {
  quality: {
    id: 'quality',
    label: 'Quality',
    description: 'Seedream 4.5 from your photos, 2048 px',
    provider: 'fal',
    endpoint: 'fal-ai/bytedance/seedream/v4.5/edit',
    identity: 'references',
    width: 2048,
    height: 2048,
    settings: { image_size: { width: 2048, height: 2048 }, max_images: 1, enable_safety_checker: true },
    listPrice: { usd: 0.04, per: 'image', checked: PRICES_CHECKED, source: 'https://fal.ai/models/fal-ai/bytedance/seedream/v4.5/edit' },
  },
  balanced: {
    id: 'balanced',
    label: 'Balanced',
    description: 'FLUX with your own model, 1024 px',
    provider: 'fal',
    endpoint: 'fal-ai/flux-lora',
    identity: 'lora',
    width: 1024,
    height: 1024,
    settings: { image_size: { width: 1024, height: 1024 }, num_inference_steps: 28, guidance_scale: 3.5, output_format: 'png', enable_safety_checker: true },
    listPrice: { usd: 0.035, per: 'megapixel', checked: PRICES_CHECKED, source: 'https://fal.ai/models/fal-ai/flux-lora' },
  },
  fast: {
    id: 'fast',
    label: 'Fast',
    description: 'FLUX with your own model, fewer steps, 1024 px',
    provider: 'fal',
    endpoint: 'fal-ai/flux-lora',
    identity: 'lora',
    width: 1024,
    height: 1024,
    settings: { image_size: { width: 1024, height: 1024 }, num_inference_steps: 12, guidance_scale: 3.5, output_format: 'jpeg', enable_safety_checker: true },
    listPrice: { usd: 0.035, per: 'megapixel', checked: PRICES_CHECKED, source: 'https://fal.ai/models/fal-ai/flux-lora' },
  },
};

export function enginePreset(id: string | undefined): EnginePreset {
  const preset = ENGINE_PRESETS[(id ?? DEFAULT_ENGINE) as EngineId];
  if (!preset) throw new RangeError(`Unknown engine "${id}"; one of ${ENGINE_IDS.join(', ')}`);
  return preset;
}

/**
 * The list price of one call of `images` images, in US dollars, rounded to a
 * hundredth of a cent. Per-megapixel prices count megapixels as 2^20 pixels
 * (1024×1024 = 1 MP); whether fal rounds partial megapixels up is not published, so
 * this is the list price as finance should read it, not the invoice.
 */
export function listPriceOfCall(preset: EnginePreset, images: number = BATCH_SIZE): number {
  const { usd, per } = preset.listPrice;
  const units = per === 'megapixel' ? ((preset.width * preset.height) / 2 ** 20) * images : per === 'image' ? images : 1;
  return Math.round(usd * units * 10_000) / 10_000;
}
