import sharp, { type OverlayOptions } from 'sharp';
import { fnv1a, type PoseId } from '#shared/generation';
import { backdropSvg, OVAL, type BackdropColours } from '#functions/generation/compose';

/*
 * The local generator's pictures: what the `ImageProvider` port's local adapter
 * returns instead of a diffusion model's output. Real images, made offline in tens of
 * milliseconds: the customer's own square face crop (the training crop of
 * `functions/photos/normalise.ts`), cut to a soft oval and set on the style's backdrop
 * (the same gradient and oval as the marketplace's sample pictures,
 * `compose.ts`), framed by the pose, graded by the style, with small variations
 * drawn from the seed. The same inputs and seed give byte-identical output; another
 * seed gives another picture.
 *
 * `likenessDrift` (0..1) degrades the face the way a model that lost the
 * customer's identity would: the face's proportions are stretched, regions of it
 * swapped with each other, and it is blurred, each in proportion to the drift. At 0 the
 * face analyser finds the customer; at 1 it scores far lower (or finds no face),
 * so the identity lock's rejection and regeneration run locally too.
 */

/** What of a style the generator reads: the backdrop colours if the style has them, otherwise its words. */
export interface LocalStyle {
  readonly styleId?: string;
  readonly backdrop?: string;
  readonly lighting?: string;
  readonly wardrobe?: string;
  /** Backdrop gradient, centre to edge (the seed studios carry them). */
  readonly colours?: BackdropColours;
}

export interface LocalImageRequest {
  /** The customer's square face crop (JPEG, as validation writes it). */
  readonly face: Buffer;
  readonly style: LocalStyle;
  readonly pose: PoseId;
  /** Any integer; the provider's seed. */
  readonly seed: number;
  /** 0 (the customer) .. 1 (barely them). Default 0. */
  readonly likenessDrift?: number;
  /** Output size; default 1024×1024 (the balanced and fast presets). */
  readonly width?: number;
  readonly height?: number;
  /** Default `jpeg` (quality 90); `png` as the FLUX presets can ask for. */
  readonly format?: 'jpeg' | 'png';
}

export interface LocalImage {
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  readonly format: 'jpeg' | 'png';
  readonly contentType: 'image/jpeg' | 'image/png';
  /** Where the face crop's square was placed (may reach past the edges, as in a close-up). */
  readonly placement: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
}

// Hot loops below use these local names: a global lookup per pixel is slow wherever globals are intercepted (Jest's vm sandbox).
const { sqrt, round, min, max } = Math;

/** The largest face crop decoded (the crops are 1024 px; anything far larger is not one of ours). */
const MAX_FACE_PIXELS = 4096 * 4096;
export const LOCAL_IMAGE_SIZE = 1024;

/** A style's grading: per-channel `a·x + b` after composition, and the saturation given to the parts before it. */
export interface Look {
  readonly colours: BackdropColours;
  /** Multiplier of every channel (1 = as is). */
  readonly brightness: number;
  /** 1 = as is, 0 = grey. */
  readonly saturation: number;
  /** Contrast around mid-grey (1 = as is). */
  readonly contrast: number;
  /** Colour mixed into every pixel, and how much (0..1). */
  readonly tint: readonly [number, number, number];
  readonly tintStrength: number;
}

/** Backdrop colours by the words a style's backdrop uses (the seed studios' own colours). */
const BACKDROP_WORDS: readonly (readonly [RegExp, BackdropColours])[] = [
  [/\bteal\b/, ['#1aa3a3', '#0b5e63']],
  [/\byellow\b/, ['#f4c430', '#c99400']],
  [/\b(coral|orange|peach)\b/, ['#f08070', '#b34a3c']],
  [/\b(burgundy|wine|red|maroon)\b/, ['#5b1a2a', '#2a0a12']],
  [/\bcharcoal\b/, ['#3a3a3c', '#141414']],
  [/\bblack\b/, ['#1c1c1e', '#050505']],
  [/\b(blue|navy)\b/, ['#2f4f7f', '#16263f']],
  [/\b(sea|sky|ocean|beach)\b/, ['#9cc7e0', '#4f86a8']],
  [/\b(green|park|garden|forest)\b/, ['#7fa65a', '#3e5f2c']],
  [/\b(warm|golden|city|street|sunset)\b/, ['#d9a066', '#8a5a32']],
  [/\b(grey|gray|slate)\b/, ['#8a8f96', '#5d626a']],
  [/\b(white|bright|office|cream|beige|light)\b/, ['#e9e4dc', '#b9b2a6']],
];

/** The look of a style: its colours (given, or read from its backdrop's words, or drawn from its ID) and a grading read from its lighting. */
export function styleLook(style: LocalStyle): Look {
  const words = `${style.backdrop ?? ''} ${style.lighting ?? ''}`.toLowerCase();
  const backdropWords = (style.backdrop ?? '').toLowerCase();
  const colours = style.colours ?? BACKDROP_WORDS.find(([pattern]) => pattern.test(backdropWords))?.[1] ?? coloursFromHash(style.styleId ?? backdropWords);
  let brightness = 1;
  let saturation = 1;
  let contrast = 1;
  let tint = rgb(colours[0]);
  let tintStrength = 0.06;
  if (/low-key|dramatic|deep shadow|rembrandt|moody|dark/.test(words)) {
    brightness = 0.88;
    contrast = 1.12;
    saturation = 0.9;
  }
  if (/bright|window|overcast|even|airy|daylight/.test(words)) brightness = Math.max(brightness, 1.06);
  if (/golden|warm|sunset|tungsten/.test(words)) {
    tint = [255, 176, 96];
    tintStrength = 0.1;
  }
  if (/crisp|beauty|bold|saturated|pop|colour|color/.test(words)) saturation = 1.15;
  return { colours, brightness, saturation, contrast, tint, tintStrength };
}

interface PoseLayout {
  /** Side of the face square as a share of the canvas's shorter side. */
  readonly scale: number;
  /** Centre of the face square, as shares of width and height. */
  readonly cx: number;
  readonly cy: number;
  /** Width of the face square relative to its height: a turned head looks narrower. */
  readonly squeeze: number;
  /** Mirrored (the right-hand poses). */
  readonly flip: boolean;
  /** Darkening of the side turned away from the light, 0..1. */
  readonly shade: number;
  readonly body?: 'seated' | 'standing';
}

/** How each pose frames the face crop (a head-and-shoulders square). */
export const POSE_LAYOUTS: Readonly<Record<PoseId, PoseLayout>> = {
  front: { scale: 0.8, cx: 0.5, cy: 0.6, squeeze: 1, flip: false, shade: 0 },
  'three-quarter-left': { scale: 0.78, cx: 0.42, cy: 0.61, squeeze: 0.9, flip: false, shade: 0.22 },
  'three-quarter-right': { scale: 0.78, cx: 0.58, cy: 0.61, squeeze: 0.9, flip: true, shade: 0.22 },
  'profile-left': { scale: 0.76, cx: 0.36, cy: 0.62, squeeze: 0.82, flip: false, shade: 0.4 },
  'profile-right': { scale: 0.76, cx: 0.64, cy: 0.62, squeeze: 0.82, flip: true, shade: 0.4 },
  'close-up': { scale: 1.2, cx: 0.5, cy: 0.56, squeeze: 1, flip: false, shade: 0 },
  shoulders: { scale: 0.6, cx: 0.5, cy: 0.68, squeeze: 1, flip: false, shade: 0 },
  seated: { scale: 0.46, cx: 0.44, cy: 0.4, squeeze: 1, flip: false, shade: 0.1, body: 'seated' },
  standing: { scale: 0.36, cx: 0.5, cy: 0.26, squeeze: 1, flip: false, shade: 0, body: 'standing' },
};

/** Makes one picture. Deterministic: the same request gives the same bytes. */
export async function makeLocalImage(request: LocalImageRequest): Promise<LocalImage> {
  const width = request.width ?? LOCAL_IMAGE_SIZE;
  const height = request.height ?? LOCAL_IMAGE_SIZE;
  const format = request.format ?? 'jpeg';
  const drift = Math.min(1, Math.max(0, request.likenessDrift ?? 0));
  const layout = POSE_LAYOUTS[request.pose];
  if (!layout) throw new RangeError(`Unknown pose "${request.pose}"`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 64 || height < 64 || width * height > MAX_FACE_PIXELS) {
    throw new RangeError(`makeLocalImage: ${width}×${height} is not a size the generator makes`);
  }
  const random = mulberry32(fnv1a(`${request.seed}/${request.pose}`));
  const jitter = (spread: number) => (random() * 2 - 1) * spread;
  const base = styleLook(request.style);
  const look: Look = {
    ...base,
    brightness: base.brightness * (1 + jitter(0.03)),
    saturation: base.saturation * (1 + jitter(0.05)),
    tintStrength: Math.max(0, base.tintStrength + jitter(0.02)),
  };

  // Where the face square goes: the pose's frame, moved and scaled a little by the seed.
  const short = Math.min(width, height);
  const side = Math.round(short * layout.scale * (1 + jitter(0.03)));
  const tileWidth = Math.max(8, Math.round(side * layout.squeeze));
  const tileHeight = Math.max(8, side);
  const left = Math.round(width * layout.cx + jitter(0.02) * short - tileWidth / 2);
  const top = Math.round(height * layout.cy + jitter(0.02) * short - tileHeight / 2);
  const gradient = { cx: 50 + jitter(8), cy: 35 + jitter(6) };

  let tile: Buffer = await sharp(request.face, { limitInputPixels: MAX_FACE_PIXELS, failOn: 'error' })
    .autoOrient()
    .toColourspace('srgb')
    .removeAlpha()
    .resize(tileWidth, tileHeight, { fit: 'fill', kernel: 'lanczos3' })
    .flop(layout.flip)
    .raw()
    .toBuffer();
  if (drift > 0) tile = await degrade(tile, tileWidth, tileHeight, drift, mulberry32(fnv1a(`drift/${request.seed}`)));

  // The visible part of the oval portrait, graded and shaded, as RGBA.
  const grade = gradingOf(look);
  const visible = {
    left: Math.max(0, left),
    top: Math.max(0, top),
    right: Math.min(width, left + tileWidth),
    bottom: Math.min(height, top + tileHeight),
  };
  const composites: OverlayOptions[] = [];
  if (visible.right > visible.left && visible.bottom > visible.top) {
    const window = { fromX: visible.left - left, fromY: visible.top - top, width: visible.right - visible.left, height: visible.bottom - visible.top };
    const portrait = maskedPortrait(tile, tileWidth, tileHeight, window, grade, { shade: layout.shade, shadeRight: !layout.flip });
    composites.push({ input: portrait, raw: { width: window.width, height: window.height, channels: 4 }, left: visible.left, top: visible.top });
  }

  // The grading is affine per pixel, so grading the backdrop's colours and the portrait
  // apart equals grading the composed picture (and spares sharp a pass over it). The
  // backdrop is a smooth gradient: rendered at half size and enlarged.
  const colours: BackdropColours = [grade.colour(look.colours[0]), grade.colour(look.colours[1])];
  const half = { width: Math.ceil(width / 2), height: Math.ceil(height / 2) };
  const body = layout.body ? bodySvg(layout.body, { left: left / 2, top: top / 2, width: tileWidth / 2, height: tileHeight / 2 }, half.height, grade.colour(darken(look.colours[1], 0.45)), grade.colour(darken(look.colours[1], 0.6))) : '';
  const image = sharp(backdropSvg(half.width, half.height, colours, { ...gradient, extra: body }))
    .resize(width, height, { fit: 'fill' })
    .composite(composites)
    .removeAlpha();
  const bytes = await (format === 'png' ? image.png({ compressionLevel: 6 }) : image.jpeg({ quality: 90, mozjpeg: false })).toBuffer();
  return { bytes, width, height, format, contentType: format === 'png' ? 'image/png' : 'image/jpeg', placement: { left, top, width: tileWidth, height: tileHeight } };
}

/**
 * Likeness drift on the face square's raw RGB, all in proportion to `drift`:
 * the middle of the square (where the crop puts the face) stretched vertically and
 * pinched horizontally, up to 6 of its 16 cells swapped with each other, then a
 * Gaussian blur of sigma up to 5.
 */
async function degrade(rgb: Buffer, width: number, height: number, drift: number, random: () => number): Promise<Buffer> {
  const zone = { left: Math.round(width * 0.27), top: Math.round(height * 0.2), right: Math.round(width * 0.73), bottom: Math.round(height * 0.76) };
  const zw = zone.right - zone.left;
  const zh = zone.bottom - zone.top;
  const source = Buffer.from(rgb);
  const out = rgb;
  const centreX = zone.left + zw / 2;
  const centreY = zone.top + zh / 2;
  const stretch = 1 + 0.6 * drift;
  const pinch = 1 + 0.35 * drift;
  for (let y = zone.top; y < zone.bottom; y++) {
    const sy = min(height - 1, max(0, round(centreY + (y - centreY) / stretch)));
    for (let x = zone.left; x < zone.right; x++) {
      const sx = min(width - 1, max(0, round(centreX + (x - centreX) * pinch)));
      const to = (y * width + x) * 3;
      const from = (sy * width + sx) * 3;
      out[to] = source[from]!;
      out[to + 1] = source[from + 1]!;
      out[to + 2] = source[from + 2]!;
    }
  }
  const swaps = Math.floor(drift * 6 + 1e-9);
  const cellWidth = Math.floor(zw / 4);
  const cellHeight = Math.floor(zh / 4);
  for (let n = 0; n < swaps; n++) {
    const a = Math.floor(random() * 16);
    let b = Math.floor(random() * 15);
    if (b >= a) b += 1;
    swapCells(out, width, zone.left + (a % 4) * cellWidth, zone.top + Math.floor(a / 4) * cellHeight, zone.left + (b % 4) * cellWidth, zone.top + Math.floor(b / 4) * cellHeight, cellWidth, cellHeight);
  }
  const sigma = 5 * drift;
  if (sigma < 0.3) return out;
  return sharp(out, { raw: { width, height, channels: 3 } }).blur(sigma).raw().toBuffer();
}

function swapCells(rgb: Buffer, width: number, ax: number, ay: number, bx: number, by: number, cw: number, ch: number): void {
  const rowBytes = cw * 3;
  const row = Buffer.alloc(rowBytes);
  for (let y = 0; y < ch; y++) {
    const a = ((ay + y) * width + ax) * 3;
    const b = ((by + y) * width + bx) * 3;
    rgb.copy(row, 0, a, a + rowBytes);
    rgb.copy(rgb, a, b, b + rowBytes);
    row.copy(rgb, b);
  }
}

/** A look as arithmetic: saturation as a blend with luma, then brightness, contrast and tint as `a·x + b` per channel. */
interface Grading {
  readonly saturation: number;
  readonly a: number;
  readonly b: readonly [number, number, number];
  colour(hex: string): string;
}

function gradingOf(look: Look): Grading {
  const scale = look.brightness * look.contrast;
  const a = scale * (1 - look.tintStrength);
  const b = look.tint.map((channel) => look.tintStrength * channel * scale + 128 * (1 - look.contrast)) as [number, number, number];
  const colour = (value: string) => {
    const [red, green, blue] = rgb(value);
    const luma = 0.299 * red + 0.587 * green + 0.114 * blue;
    return hex([red, green, blue].map((channel, i) => a * (luma + look.saturation * (channel - luma)) + b[i]!));
  };
  return { saturation: look.saturation, a, b, colour };
}

/**
 * The portrait's visible window as RGBA: the soft oval of `compose.ts` (opaque to 70% of
 * an ellipse of 42% × 50% of the square, fading to its edge) as alpha, the style's
 * grading, and a shade across the square towards the side turned away from the light.
 */
function maskedPortrait(
  rgb: Buffer,
  tileWidth: number,
  tileHeight: number,
  window: { fromX: number; fromY: number; width: number; height: number },
  grade: Grading,
  light: { shade: number; shadeRight: boolean },
): Buffer {
  const { fromX, fromY, width, height } = window;
  const out = Buffer.alloc(width * height * 4);
  const rx = OVAL.rx * tileWidth;
  const ry = OVAL.ry * tileHeight;
  const opaqueTo = OVAL.opaqueTo;
  const fade = 1 - opaqueTo;
  const { saturation, a } = grade;
  const [br, bg, bb] = grade.b;
  for (let y = 0; y < height; y++) {
    const ty = fromY + y;
    const ny = (ty + 0.5 - tileHeight / 2) / ry;
    const ny2 = ny * ny;
    for (let x = 0; x < width; x++) {
      const tx = fromX + x;
      const nx = (tx + 0.5 - tileWidth / 2) / rx;
      const r = sqrt(nx * nx + ny2);
      if (r >= 1) continue; // transparent (already zero)
      const to = (y * width + x) * 4;
      const from = (ty * tileWidth + tx) * 3;
      const across = light.shadeRight ? tx / tileWidth : 1 - tx / tileWidth;
      const gain = a * (1 - light.shade * across * across);
      const red = rgb[from]!;
      const green = rgb[from + 1]!;
      const blue = rgb[from + 2]!;
      const luma = 0.299 * red + 0.587 * green + 0.114 * blue;
      out[to] = clampByte((luma + saturation * (red - luma)) * gain + br);
      out[to + 1] = clampByte((luma + saturation * (green - luma)) * gain + bg);
      out[to + 2] = clampByte((luma + saturation * (blue - luma)) * gain + bb);
      out[to + 3] = r <= opaqueTo ? 255 : round((255 * (1 - r)) / fade);
    }
  }
  return out;
}

/** A plain body under the head for the seated and standing poses (in the backdrop's coordinates): shoulders to the bottom edge, and a seat for seated. */
function bodySvg(body: 'seated' | 'standing', tile: { left: number; top: number; width: number; height: number }, height: number, colour: string, seatColour: string): string {
  const shoulders = tile.top + tile.height * 0.8;
  const centre = tile.left + tile.width / 2;
  const half = tile.width * 0.46;
  const waist = tile.width * 0.3;
  const bottom = body === 'standing' ? height : Math.min(height, shoulders + tile.height * 1.05);
  const torso = `<path d="M${centre - half},${shoulders + tile.height * 0.06} Q${centre},${shoulders - tile.height * 0.06} ${centre + half},${shoulders + tile.height * 0.06} L${centre + waist},${bottom} L${centre - waist},${bottom} Z" fill="${colour}"/>`;
  if (body === 'standing') return torso;
  const seat = `<rect x="${centre - tile.width * 0.75}" y="${bottom - tile.height * 0.04}" width="${tile.width * 1.5}" height="${tile.height * 0.16}" rx="${tile.width * 0.06}" fill="${seatColour}"/>`;
  return `${torso}${seat}`;
}

function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : round(value);
}

function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.replace('#', '').slice(0, 6), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function hex([red, green, blue]: readonly number[]): string {
  return `#${[red, green, blue].map((channel) => clampByte(channel!).toString(16).padStart(2, '0')).join('')}`;
}

function darken(colour: string, amount: number): string {
  return hex(rgb(colour).map((channel) => channel * (1 - amount)));
}

/** Two colours of one hue drawn from a string, for a style whose words name no colour. */
function coloursFromHash(text: string): BackdropColours {
  const hue = fnv1a(text) % 360;
  return [hslHex(hue, 0.35, 0.55), hslHex(hue, 0.4, 0.28)];
}

function hslHex(hue: number, saturation: number, lightness: number): string {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - chroma / 2;
  const [r, g, b] = hue < 60 ? [chroma, x, 0] : hue < 120 ? [x, chroma, 0] : hue < 180 ? [0, chroma, x] : hue < 240 ? [0, x, chroma] : hue < 300 ? [x, 0, chroma] : [chroma, 0, x];
  return hex([(r + m) * 255, (g + m) * 255, (b + m) * 255]);
}

/** A small, fast, seedable PRNG (mulberry32): the seed's variations are the same on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
