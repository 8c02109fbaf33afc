/**
 * The house styles an order can pick from until studios arrive. Each style
 * describes the look a generation prompt will aim for; the pipeline plans one
 * batch of images per style.
 */
export interface Style {
  readonly id: string;
  readonly name: string;
  readonly backdrop: string;
  readonly wardrobe: string;
  readonly lighting: string;
}

export const STYLES: readonly Style[] = [
  { id: 'corporate-grey', name: 'Corporate grey', backdrop: 'mid-grey seamless paper', wardrobe: 'dark suit jacket', lighting: 'soft key light, gentle fill' },
  { id: 'studio-black', name: 'Studio black', backdrop: 'deep black backdrop', wardrobe: 'dark knit or blazer', lighting: 'low-key Rembrandt light' },
  { id: 'outdoor-natural', name: 'Outdoor natural', backdrop: 'blurred green park', wardrobe: 'smart casual', lighting: 'late-afternoon daylight' },
  { id: 'warm-office', name: 'Warm office', backdrop: 'soft-focus modern office', wardrobe: 'business casual', lighting: 'warm window light' },
  { id: 'creative-colour', name: 'Creative colour', backdrop: 'saturated teal backdrop', wardrobe: 'bold colour top', lighting: 'crisp beauty dish' },
];

export const STYLE_IDS = STYLES.map((s) => s.id) as [string, ...string[]];

export function styleById(id: string): Style | undefined {
  return STYLES.find((s) => s.id === id);
}
