import type { SharpOptions } from 'sharp';

/**
 * The most pixels decoded from an upload: 64 MP. A 50 MP phone photo (8160×6120,
 * 8192×6144) fits; a decompression bomb declaring more is refused from its header,
 * before sharp or libheif allocates its pixels (sharp's `limitInputPixels` enforces
 * the same cap again on every decode).
 */
export const MAX_INPUT_PIXELS = 64_000_000;

/** Options for untrusted input, on every sharp call of this domain (and of the identity lock's, which reads generated images). */
export const UNTRUSTED_INPUT = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning', animated: false } as const satisfies SharpOptions;
