import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { PageHeading } from '../ui/PageHeading';

/** The artist's review queue: generated images waiting for a human check before customers see them. */
export function ArtistPage() {
  return (
    <div class="artist-page" data-testid="artist-page">
      <div class="page-header">
        <PageHeading>Review queue</PageHeading>
        <p class="muted">Every headshot is checked by a studio artist before the customer receives it.</p>
      </div>
      <Card class="card-review" label="Images to review" testid="artist-queue">
        <EmptyState title="Nothing to review yet" testid="artist-queue-empty">
          When a confirmed order's images are generated, they will appear here for you to review: approve the good ones and send back the
          rest before the customer sees them.
        </EmptyState>
      </Card>
    </div>
  );
}
