import type { ComponentChildren } from 'preact';

export function EmptyState({ title, children, testid }: { title: string; children?: ComponentChildren; testid?: string }) {
  return (
    <div class="empty" data-testid={testid}>
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}
