/** Types for `heic-decode` 2.x, which ships none (its README and lib.js are the reference). */
declare module 'heic-decode' {
  interface DecodedImage {
    readonly width: number;
    readonly height: number;
    /** RGBA, 4 bytes a pixel, rows top to bottom, with the file's rotation and mirroring applied. */
    readonly data: Uint8ClampedArray;
  }
  interface PendingImage {
    readonly width: number;
    readonly height: number;
    decode(): Promise<DecodedImage>;
  }
  interface DecodeInput {
    readonly buffer: ArrayBufferLike | Uint8Array;
  }
  function decode(input: DecodeInput): Promise<DecodedImage>;
  namespace decode {
    /** Every top-level image, undecoded; call `dispose()` on the array when done. */
    function all(input: DecodeInput): Promise<PendingImage[] & { dispose(): void }>;
  }
  export = decode;
}
