import { Card } from '../ui/Card';
import { PageHeading } from '../ui/PageHeading';
import type { Group } from './router';

const GROUP_AUDIENCE: Readonly<Record<Group, string>> = {
  admins: 'studio admins',
  artists: 'studio artists',
};

/** A page the person's groups do not open. */
export function Forbidden({ title, group }: { title: string; group: Group }) {
  return (
    <Card class="card-narrow status-page" testid="forbidden">
      <PageHeading>This page is not for you</PageHeading>
      <p>
        You do not have access to this page. The {title.toLowerCase()} is for {GROUP_AUDIENCE[group]}; ask a studio admin if you think you should
        see it.
      </p>
      <a href="#/" class="button button-quiet">
        Back to my studio
      </a>
    </Card>
  );
}

export function NotFound() {
  return (
    <Card class="card-narrow status-page" testid="not-found">
      <PageHeading>Page not found</PageHeading>
      <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <a href="#/" class="button button-quiet">
        Go to my studio
      </a>
    </Card>
  );
}
