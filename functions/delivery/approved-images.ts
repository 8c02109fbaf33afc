import type { GeneratedImage, GeneratedImages } from '#functions/generation/image-store';
import type { ImageReview } from '#shared/api/review';

export type ReviewedImage = GeneratedImage & { readonly review?: ImageReview };

/** The images a reviewer approved, in image-ID order (style, pose, slot): what the customer receives. */
export async function approvedImages(images: Pick<GeneratedImages, 'list'>, orderId: string): Promise<ReviewedImage[]> {
  const all = (await images.list(orderId)) as ReviewedImage[];
  return all.filter((image) => image.status === 'KEPT' && image.review?.decision === 'approve').sort((a, b) => a.imageId.localeCompare(b.imageId));
}
