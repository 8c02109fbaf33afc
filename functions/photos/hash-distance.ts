/*
 * Comparing perceptual hashes (made by `duplicates.ts`): pure arithmetic, no image
 * library, so functions that only compare stored hashes (the pipeline's CheckPhotos)
 * bundle without sharp.
 */

/** Hamming distance at or below which two photos count as the same picture. */
export const NEAR_DUPLICATE_MAX_DISTANCE = 8;

/** A 64-bit pHash as 16 lower-case hex digits (storable as a DynamoDB string). */
export type PhotoHash = string;

/** How many of the 64 bits differ. */
export function hammingDistance(a: PhotoHash, b: PhotoHash): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (diff) {
    count += Number(diff & 1n);
    diff >>= 1n;
  }
  return count;
}

export function isNearDuplicate(a: PhotoHash, b: PhotoHash, maxDistance: number = NEAR_DUPLICATE_MAX_DISTANCE): boolean {
  return hammingDistance(a, b) <= maxDistance;
}
