/** A tiny DOM builder: enough to write views as plain functions without a framework. */

type Child = Node | string | number | false | null | undefined;
type Children = Child | readonly Children[];

export interface Attrs {
  readonly [name: string]: unknown;
  readonly class?: string;
  readonly testid?: string;
  readonly dataset?: Readonly<Record<string, string>>;
}

/**
 * Creates an element. `on*` function attributes become event listeners,
 * `testid` becomes `data-testid`, booleans toggle the attribute, and
 * `null`/`undefined`/`false` attributes are left out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Children[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'testid') el.setAttribute('data-testid', String(value));
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (name === 'checked' && el instanceof HTMLInputElement) el.checked = Boolean(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: Children): void {
  if (Array.isArray(children)) {
    for (const child of children) append(parent, child as Children);
  } else if (children instanceof Node) {
    parent.appendChild(children);
  } else if (children !== null && children !== undefined && children !== false) {
    parent.appendChild(document.createTextNode(String(children)));
  }
}

/** Replaces everything inside `parent`. */
export function mount(parent: Element, ...children: Children[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A small inline spinner for buttons and loading rows (hidden from screen readers). */
export function spinner(): HTMLSpanElement {
  return h('span', { class: 'spinner', 'aria-hidden': 'true' });
}

/** Disables a button and shows a spinner with `busyLabel` until the returned function is called. */
export function busy(button: HTMLButtonElement, busyLabel: string): () => void {
  const original = [...button.childNodes];
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(spinner(), document.createTextNode(busyLabel));
  return () => {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...original);
  };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : time.format(date);
}

/** The first block of a UUID: enough for a person to tell orders apart. */
export function shortId(orderId: string): string {
  return orderId.split('-')[0].toUpperCase();
}
