/**
 * The e-mail template renderer every domain's mail shares (organisations'
 * invitations, notifications' order mails), and the few formatters their
 * wording needs. Templates are plain strings in `templates/*.text.ts` and
 * `templates/*.html.ts` next to the domain that sends them.
 */

/** Where a value goes: plain text takes it as is, HTML escaped. */
export type TemplateFormat = 'text' | 'html';

/**
 * What a template is filled with: a string for a `{{name}}` placeholder, a
 * boolean for a `{{#name}}…{{/name}}` block shown or left out, a list of
 * string records for a block repeated once per item.
 */
export interface TemplateValues {
  readonly [name: string]: string | boolean | readonly Readonly<Record<string, string>>[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const NAME = '[A-Za-z][A-Za-z0-9]*';
/** `{{name}}`, `{{#name}}` or `{{/name}}`. */
const TAG = new RegExp(`\\{\\{([#/]?)(${NAME})\\}\\}`, 'g');
/** A block whose tags stand alone on their lines takes those lines with it, so text mails keep their layout. */
const STANDALONE_TAG = new RegExp(`^[ \\t]*(\\{\\{[#/]${NAME}\\}\\})[ \\t]*\\r?\\n`, 'gm');

type Node = string | { readonly name: string } | { readonly name: string; readonly body: readonly Node[] };

/**
 * Fills a template: `{{name}}` takes a string (HTML-escaped in `html`),
 * `{{#name}}…{{/name}}` takes a boolean (the block is kept or dropped) or a
 * list of records (the block is repeated with each item's strings, which are
 * escaped the same way). Every placeholder needs a value and every value a
 * placeholder, so a renamed field fails loudly instead of sending
 * "{{inviter}}" to a customer. Values under a dropped block may be left out.
 * The template is parsed before any value goes in, so a value that looks like
 * a tag stays text.
 */
export function render(template: string, values: TemplateValues, format: TemplateFormat): string {
  return fill(parse(template.replace(STANDALONE_TAG, '$1')), values, format, 'The template');
}

function parse(template: string): Node[] {
  const root: Node[] = [];
  const open: { name: string; body: Node[] }[] = [];
  const current = () => open.at(-1)?.body ?? root;
  let at = 0;
  for (const match of template.matchAll(TAG)) {
    const [tag, kind, name] = match as unknown as [string, string, string];
    if (match.index > at) current().push(template.slice(at, match.index));
    at = match.index + tag.length;
    if (kind === '') current().push({ name });
    else if (kind === '#') {
      const block = { name, body: [] };
      current().push(block);
      open.push(block);
    } else if (open.at(-1)?.name === name) open.pop();
    else throw new Error(`The template closes {{/${name}}} that is not open`);
  }
  if (open.length) throw new Error(`The template never closes {{#${open.at(-1)!.name}}}`);
  if (at < template.length) root.push(template.slice(at));
  return root;
}

function namesIn(nodes: readonly Node[], names: Set<string>): Set<string> {
  for (const node of nodes) {
    if (typeof node === 'string') continue;
    names.add(node.name);
    if ('body' in node) namesIn(node.body, names);
  }
  return names;
}

function fill(nodes: readonly Node[], values: TemplateValues, format: TemplateFormat, where: string): string {
  const used = new Set<string>();
  const out = (list: readonly Node[]): string =>
    list
      .map((node) => {
        if (typeof node === 'string') return node;
        const value = values[node.name];
        used.add(node.name);
        if (!('body' in node)) {
          if (typeof value !== 'string') throw new Error(`${where} needs a value for {{${node.name}}}`);
          return format === 'html' ? escapeHtml(value) : value;
        }
        if (value === true) return out(node.body);
        if (value === false) {
          // A dropped block's placeholders may still be given (an empty optional link, say).
          namesIn(node.body, used);
          return '';
        }
        if (Array.isArray(value)) {
          return value.map((item: Readonly<Record<string, string>>, index) => fill(node.body, item, format, `Item ${index + 1} of {{#${node.name}}}`)).join('');
        }
        throw new Error(`${where} needs a boolean or a list for {{#${node.name}}}`);
      })
      .join('');
  const text = out(nodes);
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`${where} has no placeholder for ${unused.join(', ')}`);
  return text;
}

/**
 * A subject line on one line: CR and LF (and the other control characters)
 * become spaces, so no value can start another mail header.
 */
export function subjectLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** `Thu, 8 Jan 2030, 12:00 UTC`: unambiguous for a reader anywhere. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`Not a date and time: ${iso}`);
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(date);
}

const NUMBER = new Intl.NumberFormat('en-US');

/** `1 headshot`, `3 headshots`, `1,200 credits`: a count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${NUMBER.format(count)} ${count === 1 ? singular : plural}`;
}
