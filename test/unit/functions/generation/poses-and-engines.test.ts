import { BATCH_SIZE as ORDER_BATCH_SIZE } from '#shared/orders';
import {
  BATCH_SIZE,
  batchesForStyle,
  DEFAULT_ENGINE,
  DEFAULT_POSE_SET,
  ENGINE_IDS,
  ENGINE_PRESETS,
  enginePreset,
  imageSeed,
  imagesForStyle,
  listPriceOfCall,
  POSE_IDS,
  POSE_SETS,
  POSES,
  posesForStyle,
  PRICES_CHECKED,
  promptFor,
  stylePosesSchema,
  TRAINING,
} from '#shared/generation';

describe('poses', () => {
  it('are the nine of the product, with stable IDs and labels', () => {
    expect(POSE_IDS).toEqual(['front', 'three-quarter-left', 'three-quarter-right', 'profile-left', 'profile-right', 'close-up', 'shoulders', 'seated', 'standing']);
    expect(new Set(POSES.map((pose) => pose.label)).size).toBe(9);
    for (const pose of POSES) expect(pose.prompt.length).toBeGreaterThan(10);
  });

  it('every named set holds known poses only, each once; the default set is classic', () => {
    for (const ids of Object.values(POSE_SETS)) {
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(POSE_IDS).toContain(id);
    }
    expect(DEFAULT_POSE_SET).toBe('classic');
    expect(POSE_SETS.complete).toEqual(POSE_IDS);
  });

  it('a style without a choice gets the default set; a named set; an explicit list wins, in product order', () => {
    expect(posesForStyle().map((pose) => pose.id)).toEqual(POSE_SETS.classic);
    expect(posesForStyle({ poseSet: 'lifestyle' }).map((pose) => pose.id)).toEqual(['front', 'shoulders', 'seated', 'standing']);
    expect(posesForStyle({ poseSet: 'lifestyle', poses: ['standing', 'front'] }).map((pose) => pose.id)).toEqual(['front', 'standing']);
  });

  it('refuses an unknown set or pose, naming it', () => {
    expect(() => posesForStyle({ poseSet: 'glamour' })).toThrow(/glamour/);
    expect(() => posesForStyle({ poses: ['front', 'handstand'] })).toThrow(/handstand/);
  });

  it("the style's schema accepts a set or a list, and refuses duplicates and unknown poses", () => {
    expect(stylePosesSchema.safeParse({ poseSet: 'editorial' }).success).toBe(true);
    expect(stylePosesSchema.safeParse({ poses: ['front', 'seated'] }).success).toBe(true);
    expect(stylePosesSchema.safeParse({}).success).toBe(true);
    expect(stylePosesSchema.safeParse({ poses: ['front', 'front'] }).success).toBe(false);
    expect(stylePosesSchema.safeParse({ poses: ['front', 'upside-down'] }).success).toBe(false);
    expect(stylePosesSchema.safeParse({ poses: [] }).success).toBe(false);
    expect(stylePosesSchema.safeParse({ poseSet: 'nope' }).success).toBe(false);
  });
});

describe('batches and seeds', () => {
  it("batches are the orders' batch size of 3, one batch per pose", () => {
    expect(BATCH_SIZE).toBe(3);
    expect(BATCH_SIZE).toBe(ORDER_BATCH_SIZE);
    const batches = batchesForStyle('corporate-grey', posesForStyle({ poseSet: 'editorial' }));
    expect(batches).toHaveLength(5);
    expect(batches[0]).toEqual({ batchId: 'corporate-grey#front', styleId: 'corporate-grey', poseId: 'front', slots: [0, 1, 2] });
    expect(imagesForStyle(posesForStyle())).toBe(12);
    expect(imagesForStyle(posesForStyle({ poseSet: 'complete' }))).toBe(27);
  });

  it('a slot and attempt always get the same seed, a 31-bit integer', () => {
    const seed = imageSeed('order-1', 'corporate-grey', 'front', 0, 0);
    expect(imageSeed('order-1', 'corporate-grey', 'front', 0, 0)).toBe(seed);
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0x7fffffff).toBe(true);
  });

  it('every slot and attempt of the largest order gets its own seed', () => {
    const seeds = new Set<number>();
    let count = 0;
    for (const style of ['a', 'b', 'c', 'd', 'e']) {
      for (const pose of POSE_IDS) {
        for (let slot = 0; slot < BATCH_SIZE; slot++) {
          for (let attempt = 0; attempt < 4; attempt++) {
            seeds.add(imageSeed('4f8c2d1e-9a7b-4c3d-8e2f-1a2b3c4d5e6f', style, pose, slot, attempt));
            count++;
          }
        }
      }
    }
    expect(seeds.size).toBe(count);
  });

  it('the prompt carries the style, the pose and the trigger word when there is one', () => {
    const pose = posesForStyle({ poses: ['profile-left'] })[0]!;
    expect(promptFor('studio headshot', pose, 'ohwx person')).toBe('photo of ohwx person, studio headshot; side profile, facing left');
    expect(promptFor('studio headshot', pose)).toBe('studio headshot; side profile, facing left');
  });
});

describe('engine presets', () => {
  it('quality, balanced and fast, each a fal endpoint with its settings and a dated list price', () => {
    expect(ENGINE_IDS).toEqual(['quality', 'balanced', 'fast']);
    expect(ENGINE_PRESETS.quality).toMatchObject({ endpoint: 'fal-ai/bytedance/seedream/v4.5/edit', identity: 'references', width: 2048, height: 2048 });
    expect(ENGINE_PRESETS.balanced).toMatchObject({ endpoint: 'fal-ai/flux-lora', identity: 'lora', width: 1024, height: 1024, settings: { num_inference_steps: 28 } });
    expect(ENGINE_PRESETS.fast).toMatchObject({ endpoint: 'fal-ai/flux-lora', identity: 'lora', settings: { num_inference_steps: 12 } });
    for (const preset of Object.values(ENGINE_PRESETS)) {
      expect(preset.listPrice.checked).toBe(PRICES_CHECKED);
      expect(preset.listPrice.source).toMatch(/^https:\/\/fal\.ai\//);
      expect(preset.settings).toMatchObject({ image_size: { width: preset.width, height: preset.height } });
    }
  });

  it("Seedream 4.5's size stays within its 1920–4096 px sides", () => {
    const { width, height } = ENGINE_PRESETS.quality;
    for (const side of [width, height]) expect(side >= 1920 && side <= 4096).toBe(true);
  });

  it('the list price of a call of 3 images', () => {
    expect(listPriceOfCall(ENGINE_PRESETS.quality)).toBeCloseTo(0.12, 6);
    expect(listPriceOfCall(ENGINE_PRESETS.balanced)).toBeCloseTo(0.105, 6);
    expect(listPriceOfCall(ENGINE_PRESETS.fast, 1)).toBeCloseTo(0.035, 6);
  });

  it('training is FLUX LoRA fast training at about $2 a run', () => {
    expect(TRAINING).toMatchObject({ endpoint: 'fal-ai/flux-lora-fast-training', listPrice: { usd: 2, per: 'run' } });
  });

  it('no engine named means the default; an unknown one is refused', () => {
    expect(enginePreset(undefined).id).toBe(DEFAULT_ENGINE);
    expect(enginePreset('quality').id).toBe('quality');
    expect(() => enginePreset('turbo')).toThrow(/turbo/);
  });
});
