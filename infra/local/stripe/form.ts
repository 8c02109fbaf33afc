/**
 * Stripe's v1 request encoding: `application/x-www-form-urlencoded` bodies (and query strings) whose keys
 * nest with brackets, as stripe-node's `stringifyRequestData` writes them: `metadata[order]=1`,
 * `line_items[0][price_data][currency]=usd`, `expand[0]=line_items` (and `expand[]=line_items`, which
 * curl users send). A level whose keys are all indexes is an array, in index order.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export class FormError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) throw new FormError(`Invalid parameter name: ${rawKey}`, rawKey);
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    let node: FormObject = root;
    for (let i = 0; i < path.length; i++) {
      const last = i === path.length - 1;
      // `[]` appends: give it the next free index at this level.
      const segment = path[i] === '' ? String(Object.keys(node).length) : path[i];
      const existing = node[segment];
      if (last) {
        if (existing !== undefined && typeof existing !== 'string') throw new FormError(`Invalid value for ${rawKey}: it is also an object.`, rawKey);
        node[segment] = value;
      } else {
        if (typeof existing === 'string') throw new FormError(`Invalid value for ${rawKey}: ${path.slice(0, i + 1).join('.')} is a string.`, rawKey);
        node = (existing as FormObject | undefined) ?? (node[segment] = {});
      }
    }
  }
  return arrays(root) as FormObject;
}

/** Objects whose keys are all non-negative integers become arrays, ordered by index. */
function arrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  for (const key of keys) value[key] = arrays(value[key]);
  if (keys.length && keys.every((key) => /^\d+$/.test(key))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => value[String(index)]);
  }
  return value;
}
