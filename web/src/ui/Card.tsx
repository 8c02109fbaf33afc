import type { ComponentChildren } from 'preact';

interface CardProps {
  readonly class?: string;
  readonly testid?: string;
  /** Accessible name of the region. */
  readonly label?: string;
  readonly children?: ComponentChildren;
}

export function Card({ class: className, testid, label, children }: CardProps) {
  return (
    <section class={`card ${className ?? ''}`.trim()} data-testid={testid} aria-label={label}>
      {children}
    </section>
  );
}
