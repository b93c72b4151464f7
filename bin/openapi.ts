/**
 * `npm run openapi -- openapi.json` writes the OpenAPI 3.1 document generated from the route table to
 * that file; with no argument it goes to standard output (`npm run --silent openapi > openapi.json`:
 * without --silent, npm's own banner lines would land in the file too).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildOpenApiDocument } from '../lambdas/api/openapi';

const text = `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
const out = process.argv[2];
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
} else process.stdout.write(text);
