// Validates the OpenAPI document read from stdin against the official OpenAPI
// 3.x JSON schemas and prints { valid, errors } as JSON. A separate Node
// process, because the validator is an ES module that reads its schemas
// through import.meta, which Jest's CommonJS transform cannot run.
import { Validator } from '@seriousme/openapi-schema-validator';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const result = await new Validator().validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? null }));
