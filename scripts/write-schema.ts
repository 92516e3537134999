/**
 * Writes the JSON Schema of Baton's workflow-file format (schemas/baton-workflow.schema.json)
 * from its zod schema. Run after changing src/dsl/baton-format/schema.ts:
 *
 *   npx tsx scripts/write-schema.ts
 *
 * test/files/baton-schema.test.ts fails while the committed file differs from the generated one.
 */
import { writeFileSync } from 'node:fs';
import { batonJsonSchemaText, JSON_SCHEMA_PATH } from '../src/dsl/baton-format/schema.js';

writeFileSync(JSON_SCHEMA_PATH, batonJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
