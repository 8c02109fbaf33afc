import { styleInputSchema, styleViewSchema } from '../../../shared/studios';

const style = { name: 'Corporate grey', backdrop: 'grey paper', wardrobe: 'dark suit', lighting: 'soft key light', prompt: 'a corporate headshot on grey paper', priceCredits: 12 };

describe('a style’s pose set', () => {
  it('is one of the named sets, or left out for the default', () => {
    expect(styleInputSchema.parse({ ...style, poseSet: 'lifestyle' }).poseSet).toBe('lifestyle');
    expect(styleInputSchema.parse(style)).not.toHaveProperty('poseSet');
    expect(styleViewSchema.parse({ ...style, styleId: 'corporate-grey', poseSet: 'complete', images: [] }).poseSet).toBe('complete');
  });

  it('refuses an unknown set, naming the ones there are', () => {
    const parsed = styleInputSchema.safeParse({ ...style, poseSet: 'dramatic' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('poseSet must be one of classic, editorial, lifestyle, complete');
  });
});
