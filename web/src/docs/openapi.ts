/**
 * The parts of an OpenAPI 3.1 document the API reference reads, and the pure
 * helpers that turn them into what the page shows.
 */

export interface SchemaObject {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly required?: readonly string[];
  readonly items?: SchemaObject;
  readonly additionalProperties?: boolean | SchemaObject;
  readonly oneOf?: readonly SchemaObject[];
  readonly anyOf?: readonly SchemaObject[];
  readonly allOf?: readonly SchemaObject[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly nullable?: boolean;
  readonly readOnly?: boolean;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: SchemaObject;
}

export interface MediaType {
  readonly schema?: SchemaObject;
}

export interface RequestBody {
  readonly description?: string;
  readonly required?: boolean;
  readonly content?: Readonly<Record<string, MediaType>>;
}

export interface ResponseObject {
  readonly description?: string;
  readonly content?: Readonly<Record<string, MediaType>>;
}

export interface ErrorCode {
  readonly code: string;
  readonly status: number;
  readonly description?: string;
}

export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: RequestBody;
  readonly responses?: Readonly<Record<string, ResponseObject>>;
  /** `[]` means public; absent means the document's default. */
  readonly security?: readonly SecurityRequirement[];
  /** Who may call: `none` (public), `user` (anyone signed in) or a Cognito group name. */
  readonly 'x-auth'?: string;
  readonly 'x-error-codes'?: readonly ErrorCode[];
  readonly deprecated?: boolean;
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
export type Method = (typeof METHODS)[number];

export type PathItem = Partial<Record<Method, Operation>> & { readonly parameters?: readonly Parameter[] };

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly paths?: Readonly<Record<string, PathItem>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, SchemaObject>> };
  readonly security?: readonly SecurityRequirement[];
}

/** Throws unless `value` looks like an OpenAPI 3.x document. */
export function asOpenApiDocument(value: unknown): OpenApiDocument {
  const doc = value as Partial<OpenApiDocument> | undefined;
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    throw new Error('The answer is not an OpenAPI 3 document.');
  }
  if (!doc.info || typeof doc.info.title !== 'string') throw new Error('The OpenAPI document has no info.title.');
  if (doc.paths !== undefined && (typeof doc.paths !== 'object' || doc.paths === null)) throw new Error('The OpenAPI document has no valid paths.');
  return doc as OpenApiDocument;
}

export interface OperationEntry {
  readonly method: Method;
  readonly path: string;
  readonly operation: Operation;
  /** Path-level parameters merged with the operation's own (the operation's win). */
  readonly parameters: readonly Parameter[];
  /** A stable id for anchors and tests: the operationId, or method and path. */
  readonly id: string;
}

export interface TagGroup {
  readonly name: string;
  readonly description?: string;
  readonly operations: readonly OperationEntry[];
}

const UNTAGGED = 'Other';

/** Operations grouped by their first tag: the document's tag order first, then tags as met, untagged last. */
export function groupByTag(doc: OpenApiDocument): TagGroup[] {
  const groups = new Map<string, OperationEntry[]>();
  for (const tag of doc.tags ?? []) groups.set(tag.name, []);
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const byName = new Map<string, Parameter>();
      for (const parameter of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) byName.set(`${parameter.in}:${parameter.name}`, parameter);
      const tag = operation.tags?.[0] ?? UNTAGGED;
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push({ method, path, operation, parameters: [...byName.values()], id: operationId(method, path, operation) });
    }
  }
  if (groups.has(UNTAGGED)) {
    const untagged = groups.get(UNTAGGED)!;
    groups.delete(UNTAGGED);
    groups.set(UNTAGGED, untagged);
  }
  const descriptions = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
  return [...groups]
    .filter(([, operations]) => operations.length > 0)
    .map(([name, operations]) => ({ name, description: descriptions.get(name), operations }));
}

function operationId(method: string, path: string, operation: Operation): string {
  const raw = operation.operationId ?? `${method}-${path}`;
  return raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

export type Access = { readonly kind: 'public' } | { readonly kind: 'user' } | { readonly kind: 'group'; readonly group: string };

/** Who may call the operation: its `x-auth`, else its `security` (`[]` is public), else the document's default. */
export function accessOf(doc: OpenApiDocument, operation: Operation): Access {
  const auth = operation['x-auth'];
  if (auth === 'none') return { kind: 'public' };
  if (auth === 'user') return { kind: 'user' };
  if (auth) return { kind: 'group', group: auth };
  const security = operation.security ?? doc.security;
  if (!security || security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0)) return { kind: 'public' };
  return { kind: 'user' };
}

export function accessLabel(access: Access): string {
  switch (access.kind) {
    case 'public':
      return 'Public: no sign-in';
    case 'user':
      return 'Any signed-in person';
    case 'group':
      return access.group === 'reviewers' ? 'Signed in, group “admins” or “artists”' : `Signed in, group “${access.group}”`;
  }
}

/** Follows a local `$ref` (`#/components/schemas/Name`); unknown refs come back as they are. */
export function resolveSchema(doc: OpenApiDocument, schema: SchemaObject): { schema: SchemaObject; refName?: string } {
  let current = schema;
  let refName: string | undefined;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const match = /^#\/components\/schemas\/(.+)$/.exec(current.$ref);
    const target = match ? doc.components?.schemas?.[decodeURIComponent(match[1])] : undefined;
    if (!target) break;
    refName ??= match![1];
    // Sibling keywords (e.g. a description beside the $ref) win over the target's.
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return { schema: current, refName };
}

/** A readable type: `string (uuid)`, `array of Order`, `string | null`, `"confirm"`. */
export function typeLabel(doc: OpenApiDocument, input: SchemaObject): string {
  const { schema, refName } = resolveSchema(doc, input);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? [...schema.type] : schema.type ? [schema.type as string] : [];
  if (schema.nullable && !types.includes('null')) types.push('null');
  const named = types.map((type) => {
    if (type === 'array' && schema.items) return `array of ${typeLabel(doc, schema.items)}`;
    if (type === 'object' && refName) return refName;
    if (schema.format && type !== 'null') return `${type} (${schema.format})`;
    return type;
  });
  if (named.length) return named.join(' | ');
  if (refName) return refName;
  if (schema.oneOf || schema.anyOf) return 'one of';
  if (schema.properties) return 'object';
  return 'any';
}

/** Constraints worth telling a caller, in words. */
export function constraintsOf(doc: OpenApiDocument, input: SchemaObject): string[] {
  const { schema } = resolveSchema(doc, input);
  const out: string[] = [];
  if (schema.enum) out.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.minLength !== undefined && schema.maxLength !== undefined) out.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  else if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minItems !== undefined && schema.maxItems !== undefined) out.push(`${schema.minItems}–${schema.maxItems} items`);
  else if (schema.minItems !== undefined) out.push(`at least ${schema.minItems} items`);
  else if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.uniqueItems) out.push('no duplicates');
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.readOnly) out.push('read-only');
  return out;
}

/** The JSON schema of a body, preferring `application/json`. */
export function jsonSchemaOf(content: Readonly<Record<string, MediaType>> | undefined): { mediaType: string; schema?: SchemaObject } | undefined {
  if (!content) return undefined;
  const mediaType = content['application/json'] ? 'application/json' : Object.keys(content)[0];
  return mediaType ? { mediaType, schema: content[mediaType]?.schema } : undefined;
}
