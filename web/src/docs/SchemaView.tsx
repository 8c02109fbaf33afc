import { constraintsOf, resolveSchema, typeLabel, type OpenApiDocument, type SchemaObject } from './openapi';

/** How deep nested objects are spelled out before the reference stops expanding. */
const MAX_DEPTH = 6;

interface SchemaViewProps {
  readonly doc: OpenApiDocument;
  readonly schema: SchemaObject;
  /** Named schemas already being shown further up (stops cycles). */
  readonly seen?: readonly string[];
  readonly depth?: number;
}

/** A JSON Schema as a field list: name, type, required, constraints and description; nested fields indented. */
export function SchemaView({ doc, schema: input, seen = [], depth = 0 }: SchemaViewProps) {
  const { schema, refName } = resolveSchema(doc, input);
  if (refName && seen.includes(refName)) return <p class="schema-note">{refName}, as described above.</p>;
  const trail = refName ? [...seen, refName] : seen;
  const body = <SchemaBody doc={doc} schema={schema} seen={trail} depth={depth} />;
  if (depth > 0 || !body) return body;
  return (
    <div class="schema">
      <p class="schema-type">
        <span class="field-type">{typeLabel(doc, input)}</span>
        <Constraints items={constraintsOf(doc, input)} />
      </p>
      {schema.description && <p class="field-description">{schema.description}</p>}
      {body}
    </div>
  );
}

function SchemaBody({ doc, schema, seen, depth }: Required<Omit<SchemaViewProps, 'schema'>> & { schema: SchemaObject }) {
  if (depth > MAX_DEPTH) return null;
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    return (
      <ol class="schema-variants">
        {variants.map((variant, i) => {
          const resolved = resolveSchema(doc, variant);
          return (
            <li key={i}>
              <span class="variant-label">
                {schema.oneOf ? 'Exactly one of' : 'Any of'} — option {i + 1}
                {resolved.schema.title || resolved.refName ? `: ${resolved.schema.title ?? resolved.refName}` : ''}
              </span>
              <SchemaFields doc={doc} schema={resolved.schema} seen={resolved.refName ? [...seen, resolved.refName] : seen} depth={depth + 1} />
            </li>
          );
        })}
      </ol>
    );
  }
  return <SchemaFields doc={doc} schema={schema} seen={seen} depth={depth} />;
}

function SchemaFields({ doc, schema, seen, depth }: Required<Omit<SchemaViewProps, 'schema'>> & { schema: SchemaObject }) {
  const merged = mergeAllOf(doc, schema);
  const properties = Object.entries(merged.properties ?? {});
  if (properties.length === 0) {
    if (merged.items) {
      const items = resolveSchema(doc, merged.items);
      if (items.refName && seen.includes(items.refName)) return <p class="schema-note">Each item: {items.refName}, as described above.</p>;
      const nested = <SchemaBody doc={doc} schema={items.schema} seen={items.refName ? [...seen, items.refName] : seen} depth={depth + 1} />;
      return hasStructure(doc, items.schema) ? (
        <div class="schema-items">
          <p class="schema-note">Each item:</p>
          {nested}
        </div>
      ) : null;
    }
    return null;
  }
  const required = new Set(merged.required ?? []);
  return (
    <ul class="schema-fields">
      {properties.map(([name, property]) => {
        const resolved = resolveSchema(doc, property);
        const cyclic = resolved.refName !== undefined && seen.includes(resolved.refName);
        return (
          <li key={name} class="schema-field" data-field={name}>
            <div class="field-line">
              <code class="field-name">{name}</code>
              <span class="field-type">{typeLabel(doc, property)}</span>
              {required.has(name) ? <span class="field-required">required</span> : <span class="field-optional">optional</span>}
              <Constraints items={constraintsOf(doc, property)} />
            </div>
            {resolved.schema.description && <p class="field-description">{resolved.schema.description}</p>}
            {cyclic ? (
              <p class="schema-note">{resolved.refName}, as described above.</p>
            ) : (
              hasStructure(doc, resolved.schema) && (
                <SchemaBody doc={doc} schema={resolved.schema} seen={resolved.refName ? [...seen, resolved.refName] : seen} depth={depth + 1} />
              )
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function Constraints({ items }: { items: readonly string[] }) {
  if (items.length === 0) return null;
  return (
    <span class="field-constraints">
      {items.map((item) => (
        <span key={item} class="field-constraint">
          {item}
        </span>
      ))}
    </span>
  );
}

/** Whether a schema has fields, items with fields, or variants worth spelling out. */
function hasStructure(doc: OpenApiDocument, schema: SchemaObject): boolean {
  if (schema.oneOf || schema.anyOf || schema.allOf) return true;
  if (schema.properties && Object.keys(schema.properties).length > 0) return true;
  if (schema.items) return hasStructure(doc, resolveSchema(doc, schema.items).schema);
  return false;
}

/** `allOf` parts folded into one object schema (properties and required lists combined). */
function mergeAllOf(doc: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (!schema.allOf) return schema;
  let properties: Record<string, SchemaObject> = { ...(schema.properties ?? {}) };
  let required = [...(schema.required ?? [])];
  for (const part of schema.allOf) {
    const resolved = mergeAllOf(doc, resolveSchema(doc, part).schema);
    properties = { ...properties, ...(resolved.properties ?? {}) };
    required = [...required, ...(resolved.required ?? [])];
  }
  return { ...schema, allOf: undefined, properties, required };
}
