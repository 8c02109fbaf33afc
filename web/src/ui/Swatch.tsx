import type { OrderedStyle } from '../../../shared/orders';

/** A small picture of a look when it has no sample image: a head-and-shoulders silhouette in front of a backdrop. */
export function Swatch({ styleId, size = 'large' }: { styleId: string; size?: 'small' | 'large' }) {
  return (
    <span class={`swatch swatch-${size}`} data-style={styleId} aria-hidden="true">
      <span class="swatch-figure" />
    </span>
  );
}

/** The chosen styles of an order as chips. */
export function StyleChips({ styles }: { styles: readonly Pick<OrderedStyle, 'styleId' | 'name'>[] }) {
  return (
    <ul class="chips" aria-label="Styles">
      {styles.map((style) => (
        <li class="chip" key={style.styleId}>
          <Swatch styleId={style.styleId} size="small" />
          {style.name}
        </li>
      ))}
    </ul>
  );
}

/** Backdrop, wardrobe and lighting of a style. */
export function StyleFacts({ style }: { style: Pick<OrderedStyle, 'backdrop' | 'wardrobe' | 'lighting'> }) {
  return (
    <dl class="facts">
      <div>
        <dt>Backdrop</dt>
        <dd>{style.backdrop}</dd>
      </div>
      <div>
        <dt>Wardrobe</dt>
        <dd>{style.wardrobe}</dd>
      </div>
      <div>
        <dt>Lighting</dt>
        <dd>{style.lighting}</dd>
      </div>
    </dl>
  );
}
