import { styleById } from '../../../shared/styles';
import { styleName } from './labels';

/** A small picture of the look: the backdrop colour behind a head-and-shoulders silhouette. */
export function Swatch({ styleId, size = 'large' }: { styleId: string; size?: 'small' | 'large' }) {
  return (
    <span class={`swatch swatch-${size}`} data-style={styleId} aria-hidden="true">
      <span class="swatch-figure" />
    </span>
  );
}

export function StyleChips({ styleIds }: { styleIds: readonly string[] }) {
  return (
    <ul class="chips" aria-label="Styles">
      {styleIds.map((id) => (
        <li class="chip" key={id}>
          <Swatch styleId={id} size="small" />
          {styleName(id)}
        </li>
      ))}
    </ul>
  );
}

/** Backdrop, wardrobe and lighting of a style; nothing for a style the studio no longer offers. */
export function StyleFacts({ styleId }: { styleId: string }) {
  const style = styleById(styleId);
  if (!style) return null;
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
