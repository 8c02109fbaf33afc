/** Where a value goes: plain text takes it as is, HTML escaped. */
export type TemplateFormat = 'text' | 'html';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Fills the `{{name}}` placeholders of a template. Every placeholder needs a
 * value and every value a placeholder, so a renamed field fails loudly instead
 * of sending "{{inviter}}" to a customer.
 */
export function render(template: string, values: Readonly<Record<string, string>>, format: TemplateFormat): string {
  const used = new Set<string>();
  const out = template.replace(/\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`The template needs a value for {{${name}}}`);
    used.add(name);
    return format === 'html' ? escapeHtml(value) : value;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`The template has no placeholder for ${unused.join(', ')}`);
  return out;
}
