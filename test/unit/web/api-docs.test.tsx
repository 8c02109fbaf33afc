import { render } from 'preact-render-to-string';
import { ApiReference } from '../../../web/src/docs/ApiReference';
import { accessOf, asOpenApiDocument, constraintsOf, groupByTag, typeLabel, type OpenApiDocument } from '../../../web/src/docs/openapi';
import fixture from './fixtures/openapi.json';

const doc = asOpenApiDocument(fixture);

/** The HTML of the reference, and a way to cut out one operation's part of it. */
const html = render(<ApiReference doc={doc} />);
function operationHtml(id: string): string {
  const start = html.indexOf(`data-testid="api-op-${id}"`);
  expect(start).toBeGreaterThan(-1);
  const end = html.indexOf('</article>', start);
  return html.slice(start, end);
}
const text = (fragment: string) =>
  fragment
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('OpenAPI helpers', () => {
  it('refuses what is not an OpenAPI 3 document', () => {
    expect(() => asOpenApiDocument({ message: 'Not Found' })).toThrow(/not an OpenAPI 3 document/);
    expect(() => asOpenApiDocument({ swagger: '2.0', info: { title: 'x' } })).toThrow();
    expect(() => asOpenApiDocument(undefined)).toThrow();
  });

  it('groups operations by tag in the document’s tag order, with path parameters merged in', () => {
    const groups = groupByTag(doc);
    expect(groups.map((g) => g.name)).toEqual(['Orders', 'Admin', 'Meta']);
    expect(groups[0].operations.map((o) => `${o.method} ${o.path}`)).toEqual(['get /orders', 'post /orders', 'get /orders/{orderId}']);
    expect(groups[0].operations[2].parameters.map((p) => p.name)).toEqual(['orderId']);
    expect(groups[0].description).toBe("A customer's own orders.");
  });

  it('reads who may call an operation from x-auth, then security', () => {
    const op = (path: string, method: 'get' | 'post') => doc.paths![path][method]!;
    expect(accessOf(doc, op('/v1/openapi.json', 'get'))).toEqual({ kind: 'public' });
    expect(accessOf(doc, op('/orders', 'get'))).toEqual({ kind: 'user' });
    expect(accessOf(doc, op('/admin/orders/{orderId}/decision', 'post'))).toEqual({ kind: 'group', group: 'admins' });
    // No x-auth and no own security: the document's default (signed in).
    expect(accessOf(doc, op('/orders/{orderId}', 'get'))).toEqual({ kind: 'user' });
    const open: OpenApiDocument = { ...doc, security: undefined };
    expect(accessOf(open, op('/orders/{orderId}', 'get'))).toEqual({ kind: 'public' });
  });

  it('names types and constraints in words', () => {
    expect(typeLabel(doc, { type: 'string', format: 'uuid' })).toBe('string (uuid)');
    expect(typeLabel(doc, { type: ['string', 'null'] })).toBe('string | null');
    expect(typeLabel(doc, { type: 'array', items: { $ref: '#/components/schemas/Order' } })).toBe('array of Order');
    expect(typeLabel(doc, { const: 'reject' })).toBe('"reject"');
    expect(constraintsOf(doc, { type: 'string', minLength: 3, maxLength: 500 })).toEqual(['3–500 characters']);
    expect(constraintsOf(doc, { type: 'integer', minimum: 1, maximum: 100, default: 20 })).toEqual(['≥ 1', '≤ 100', 'default 20']);
    expect(constraintsOf(doc, { type: 'array', minItems: 1, maxItems: 5, uniqueItems: true })).toEqual(['1–5 items', 'no duplicates']);
  });
});

describe('API reference', () => {
  it('shows the title, version and every tag', () => {
    expect(text(html)).toContain('Headshot Studio API');
    expect(text(html)).toContain('Version 1.0.0');
    for (const tag of ['orders', 'admin', 'meta']) expect(html).toContain(`data-testid="api-tag-${tag}"`);
  });

  it('shows each operation with its method, path, summary and who may call it', () => {
    const decide = text(operationHtml('decideOrder'));
    expect(decide).toMatch(/POST \/admin\/orders\/\{orderId\}\/decision/);
    expect(decide).toContain('Confirm or reject an order');
    expect(decide).toContain("Resumes the order's pipeline at the confirmation gate.");
    expect(decide).toContain('group “admins”');
    expect(operationHtml('decideOrder')).toContain('class="method method-post"');
    expect(text(operationHtml('getOpenApi'))).toContain('Public: no sign-in');
    expect(text(operationHtml('listOrders'))).toContain('Any signed-in person');
  });

  it('lists path and query parameters with their types and constraints', () => {
    const list = text(operationHtml('listOrders'));
    expect(list).toMatch(/limit query integer optional ≥ 1 ≤ 100 default 20/);
    expect(list).toContain('The nextCursor of the page before.');
    expect(text(operationHtml('getOrder'))).toMatch(/orderId path string \(uuid\) required/);
  });

  it('renders the request body as a field list, nested fields indented', () => {
    const create = operationHtml('createOrder');
    expect(text(create)).toMatch(/styles array of string required 1–5 items no duplicates/);
    expect(text(create)).toMatch(/note string optional at most 500 characters Anything the studio should know\./);
    // delivery → sizes → items → width: three levels of nested lists.
    const delivery = create.slice(create.indexOf('data-field="delivery"'));
    expect(delivery.indexOf('data-field="sizes"')).toBeGreaterThan(-1);
    expect(text(delivery)).toMatch(/Each item: width integer required ≥ 256 label string \| null optional/);
    expect((create.match(/class="schema-fields"/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('spells out oneOf bodies as options', () => {
    const decide = text(operationHtml('decideOrder'));
    expect(decide).toMatch(/option 1: Confirm decision "confirm" required/);
    expect(decide).toMatch(/option 2: Reject decision "reject" required reason string required 3–500 characters Shown to the customer as written\./);
  });

  it('lists response codes with their schemas, without looping on self-references', () => {
    const list = text(operationHtml('listOrders'));
    expect(list).toMatch(/200 One page of orders/);
    expect(list).toMatch(/orders array of Order required Each item: orderId string \(uuid\) required/);
    expect(list).toContain('Order, as described above.');
    expect(list).toMatch(/401 Not signed in/);
  });

  it('lists the error codes of each operation', () => {
    const decide = text(operationHtml('decideOrder'));
    expect(decide).toMatch(/Error codes Code Status When ORDER_NOT_FOUND 404 The order does not exist \(any more\)\. ORDER_NOT_WAITING 409/);
  });

  it('says so when a document has no operations', () => {
    expect(text(render(<ApiReference doc={{ openapi: '3.1.0', info: { title: 'Empty', version: '0' } }} />))).toContain('describes no operations yet');
  });
});
