/**
 * `npm run openapi -- openapi.json [v2]` writes the OpenAPI 3.1 document of a version (v1 by default)
 * generated from the route table to that file; with no file it goes to standard output (`npm run
 * --silent openapi > openapi.json`: without --silent, npm's own banner lines would land in the file too).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { documentOf } from '../lambdas/api/openapi';
import { API_VERSIONS, type ApiVersion } from '../lambdas/api/routes';

const out = process.argv[2] === '-' ? undefined : process.argv[2];
const version = (process.argv[3] ?? 'v1') as ApiVersion;
if (!API_VERSIONS.includes(version)) throw new Error(`No API version ${version}: ${API_VERSIONS.join(', ')}`);
const text = `${JSON.stringify(documentOf(version), null, 2)}\n`;
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
} else process.stdout.write(text);
