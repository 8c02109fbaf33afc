import sharp, { type Sharp } from 'sharp';

/*
 * Generated "photos" for the photos domain's tests and bench: no package ships sample
 * face photos, so each scene is drawn from a seed: a two-colour gradient background,
 * a dozen soft shapes, a head-and-shoulders subject (skin-tone ellipse with eyes and a
 * mouth, a torso) and sensor-like noise. Different seeds are different shots; the same
 * seed with `subjectShift` is the same setting with the subject moved (a harder
 * "different shot", like the next selfie of a series).
 */

export interface SceneOptions {
  readonly width: number;
  readonly height: number;
  /** Moves the subject by this fraction of the width (and half of it down). */
  readonly subjectShift?: number;
  /** Standard-ish amplitude of the per-pixel noise (0–255 scale, default 6). */
  readonly noise?: number;
}

function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

type Rgb = readonly [number, number, number];

interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  readonly colour: Rgb;
}

/** Raw 8-bit RGB pixels of a scene. */
export function sceneRaw(seed: number, options: SceneOptions): { data: Buffer; width: number; height: number; channels: 3 } {
  const { width, height } = options;
  const random = prng(seed * 7919 + 17);
  const colour = (): Rgb => [Math.floor(random() * 256), Math.floor(random() * 256), Math.floor(random() * 256)];
  const top = colour();
  const bottom = colour();
  const angle = random();
  const shapes: Ellipse[] = [];
  for (let i = 0; i < 12; i++) {
    shapes.push({ cx: random() * width, cy: random() * height, rx: (0.05 + random() * 0.2) * width, ry: (0.05 + random() * 0.2) * height, colour: colour() });
  }
  const shift = (options.subjectShift ?? 0) * width;
  const skin: Rgb = [180 + Math.floor(random() * 60), 130 + Math.floor(random() * 50), 100 + Math.floor(random() * 40)];
  const headX = width * (0.4 + random() * 0.2) + shift;
  const headY = height * (0.35 + random() * 0.1) + shift / 2;
  const headR = Math.min(width, height) * (0.14 + random() * 0.06);
  shapes.push({ cx: headX, cy: headY + headR * 2.6, rx: headR * 2.2, ry: headR * 1.6, colour: colour() }); // torso
  shapes.push({ cx: headX, cy: headY, rx: headR * 0.8, ry: headR, colour: skin }); // head
  shapes.push({ cx: headX - headR * 0.3, cy: headY - headR * 0.15, rx: headR * 0.1, ry: headR * 0.07, colour: [30, 30, 40] });
  shapes.push({ cx: headX + headR * 0.3, cy: headY - headR * 0.15, rx: headR * 0.1, ry: headR * 0.07, colour: [30, 30, 40] });
  shapes.push({ cx: headX, cy: headY + headR * 0.45, rx: headR * 0.25, ry: headR * 0.06, colour: [150, 60, 60] });

  const noise = options.noise ?? 6;
  const canvas = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, (y / height) * (1 - angle) + (x / width) * angle));
      const at = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) canvas[at + c] = top[c]! + (bottom[c]! - top[c]!) * t;
    }
  }
  // Each shape paints only its own bounding box, with a soft edge.
  for (const shape of shapes) {
    const x0 = Math.max(0, Math.floor(shape.cx - shape.rx));
    const x1 = Math.min(width - 1, Math.ceil(shape.cx + shape.rx));
    const y0 = Math.max(0, Math.floor(shape.cy - shape.ry));
    const y1 = Math.min(height - 1, Math.ceil(shape.cy + shape.ry));
    for (let y = y0; y <= y1; y++) {
      const dy = (y - shape.cy) / shape.ry;
      for (let x = x0; x <= x1; x++) {
        const dx = (x - shape.cx) / shape.rx;
        const d = dx * dx + dy * dy;
        if (d >= 1) continue;
        const alpha = d > 0.85 ? (1 - d) / 0.15 : 1;
        const at = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) canvas[at + c]! += (shape.colour[c]! - canvas[at + c]!) * alpha;
      }
    }
  }
  const pixels = new Uint8ClampedArray(width * height * 3); // clamps, where a Buffer would wrap
  const noiseRandom = prng(seed + 1);
  for (let i = 0; i < canvas.length; i += 3) {
    const n = (noiseRandom() - 0.5) * 2 * noise;
    pixels[i] = canvas[i]! + n;
    pixels[i + 1] = canvas[i + 1]! + n;
    pixels[i + 2] = canvas[i + 2]! + n;
  }
  return { data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height, channels: 3 };
}

/** The scene as a sharp pipeline, ready for `.jpeg()`, `.png()`, `.withExif()`, … */
export function scene(seed: number, options: SceneOptions): Sharp {
  const { data, ...raw } = sceneRaw(seed, options);
  return sharp(data, { raw });
}

/** The scene as a JPEG at quality 92. */
export function sceneJpeg(seed: number, options: SceneOptions): Promise<Buffer> {
  return scene(seed, options).jpeg({ quality: 92 }).toBuffer();
}
