/** A small inline spinner for buttons and loading rows (hidden from screen readers). */
export function Spinner() {
  return <span class="spinner" aria-hidden="true" />;
}

/** A loading line that screen readers announce. */
export function Loading({ text }: { text: string }) {
  return (
    <p class="loading" role="status">
      <Spinner />
      {text}
    </p>
  );
}
