import sharp from 'sharp';

/*
 * Studio pictures made from a face photo and a style's backdrop colours, shared by
 * the local marketplace's sample images (`infra/local/seed.ts`) and the local
 * generator (`local-images.ts`): the backdrop gradient and the soft oval a portrait
 * is cut to.
 */

/** A style's backdrop as two colours: the gradient's centre and its edge (CSS colours, `#rrggbb`). */
export type BackdropColours = readonly [string, string];

export interface BackdropOptions {
  /** The gradient's centre, in % of width and height (default 50, 35: light falls behind the head). */
  readonly cx?: number;
  readonly cy?: number;
  /** Its radius in % (default 75). */
  readonly r?: number;
  /** SVG drawn over the gradient, in the backdrop's pixel coordinates (a body, a floor line). */
  readonly extra?: string;
}

/** The backdrop: a radial gradient from the first colour to the second, as SVG for sharp to render. */
export function backdropSvg(width: number, height: number, colours: BackdropColours, options: BackdropOptions = {}): Buffer {
  const { cx = 50, cy = 35, r = 75, extra = '' } = options;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="g" cx="${cx}%" cy="${cy}%" r="${r}%"><stop offset="0" stop-color="${colours[0]}"/><stop offset="1" stop-color="${colours[1]}"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${extra}</svg>`,
  );
}

/**
 * The portrait's soft oval, as a white SVG whose alpha is the mask: opaque to 70% of
 * the ellipse (rx 42%, ry 50% of the side), fading to nothing at its edge.
 */
export function ovalMaskSvg(side: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}"><defs><radialGradient id="m"><stop offset="0.7" stop-color="#fff" stop-opacity="1"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><ellipse cx="50%" cy="50%" rx="42%" ry="50%" fill="url(#m)"/></svg>`,
  );
}

/** The oval of {@link ovalMaskSvg}, as numbers, for code that masks raw pixels itself. */
export const OVAL = { rx: 0.42, ry: 0.5, opaqueTo: 0.7 } as const;

/** A sample picture: a face photo in a soft oval on the style's backdrop gradient, as a JPEG. */
export async function composeSample(face: Buffer, colours: BackdropColours, side = 768): Promise<Buffer> {
  const inner = Math.round(side * 0.8);
  const portrait = await sharp(face)
    .resize(inner, inner)
    .ensureAlpha()
    .composite([{ input: ovalMaskSvg(inner), blend: 'dest-in' }])
    .png()
    .toBuffer();
  return sharp(backdropSvg(side, side, colours))
    .composite([{ input: portrait, left: Math.round((side - inner) / 2), top: side - inner }])
    .jpeg({ quality: 88 })
    .toBuffer();
}
