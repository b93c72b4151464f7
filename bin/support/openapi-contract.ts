/**
 * A frozen OpenAPI contract and the check against it: a thin layer over Optic's OpenAPI diff and its
 * breaking-changes ruleset (the @useoptic/* libraries; of the diff tools on npm, the one that reads
 * OpenAPI 3.1 and classifies changes correctly: see docs/api.md, "v1 is frozen").
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlatOpenAPIV3_1 } from '@useoptic/openapi-utilities';
/** A change Optic's breaking-changes ruleset refuses (or, below error severity, warns about). */
export type Finding = { where: string; rule: string; message: string };
/** Anything that differs, breaking or not, named by where it is in the document. */
export type Change = { change: 'added' | 'removed' | 'changed'; where: string };
export type ContractReport = { breaking: Finding[]; warnings: Finding[]; changes: Change[] };

type Json = Record<string, unknown>;

/** Keys sorted at every level (arrays keep their order), so the file does not move when routes are reordered. */
const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Json)[key])]),
  );
};

/** The document as it is committed: sorted keys, two-space indents (Prettier leaves it alone: .prettierignore). */
export const contractText = (doc: object): string => `${JSON.stringify(sortKeys(doc), null, 2)}\n`;

// Optic reads documents from files (it keeps a source map of them): each side goes to a temporary file.
// Its libraries take seconds to load, so they are loaded only when there is something to compare.
const load = async (dir: string, name: string, doc: object) => {
  const { checkOpenAPIVersion, denormalize, parseOpenAPIWithSourcemap, validateOpenApiV3Document } = await import('@useoptic/openapi-io');
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(doc));
  const parsed = await parseOpenAPIWithSourcemap<FlatOpenAPIV3_1.Document>(path);
  const version = checkOpenAPIVersion(parsed.jsonLike);
  if (version === '2.x.x') throw new Error('Swagger 2 documents are not compared');
  validateOpenApiV3Document(parsed.jsonLike, parsed.sourcemap, { strictOpenAPI: true });
  // As `optic diff` does: path-level parameters and the like are moved into each operation first.
  return { ...denormalize(parsed, version), isEmptySpec: false };
};

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const segments = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));

/** `GET /users/me: responses.200.content.application/json.schema.properties.nickname`, or the pointer itself. */
const describe = (change: Change['change'], pointer: string, doc: Json): Change[] => {
  const [root, path, method, ...rest] = segments(pointer);
  if (root !== 'paths' || path === undefined) return [{ change, where: pointer }];
  if (method === undefined) {
    // A whole path came or went: name each of its operations.
    const item = ((doc.paths as Json | undefined)?.[path] ?? {}) as Json;
    return Object.keys(item)
      .filter((m) => HTTP_METHODS.has(m))
      .map((m) => ({ change, where: `${m.toUpperCase()} ${path}` }));
  }
  const operation = HTTP_METHODS.has(method) ? `${method.toUpperCase()} ${path}` : `${path} ${method}`;
  return [{ change, where: rest.length ? `${operation}: ${rest.join('.')}` : operation }];
};

/** What changed from `before` to `after`, and which of those changes would break a client of `before`. */
export const compareContracts = async (before: object, after: object): Promise<ContractReport> => {
  const [{ compareSpecs, Severity }, { RuleRunner }, { BreakingChangesRuleset }] = await Promise.all([
    import('@useoptic/openapi-utilities'),
    import('@useoptic/rulesets-base'),
    import('@useoptic/standard-rulesets'),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'api-contract-'));
  try {
    const [from, to] = await Promise.all([load(dir, 'before.json', before), load(dir, 'after.json', after)]);
    const { diffs, results } = await compareSpecs(from, to, new RuleRunner([new BreakingChangesRuleset()]), {});
    const failed = results.filter((r) => !r.passed && !r.exempted);
    const finding = (r: (typeof failed)[number]): Finding => ({ where: r.where, rule: r.name, message: r.error ?? '' });
    const changes = diffs.flatMap((d) =>
      d.before === undefined
        ? describe('added', d.after, after as Json)
        : d.after === undefined
          ? describe('removed', d.before, before as Json)
          : describe('changed', d.after, after as Json),
    );
    return {
      breaking: failed.filter((r) => r.severity === Severity.Error).map(finding),
      warnings: failed.filter((r) => r.severity !== Severity.Error).map(finding),
      changes: changes.sort((a, b) => a.where.localeCompare(b.where) || a.change.localeCompare(b.change)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** The report as a person reads it. */
export const formatReport = ({ breaking, warnings, changes }: ContractReport): string => {
  const lines: string[] = [];
  if (breaking.length) {
    lines.push(`${breaking.length} breaking change${breaking.length === 1 ? '' : 's'}:`);
    for (const f of breaking) lines.push(`  ✗ ${f.where}`, `      ${f.message} [${f.rule}]`);
  }
  if (warnings.length) {
    lines.push('Warnings:');
    for (const f of warnings) lines.push(`  ! ${f.where}`, `      ${f.message} [${f.rule}]`);
  }
  lines.push(changes.length ? 'What changed:' : 'No change to what the document says (its layout only).');
  for (const c of changes) lines.push(`  ${{ added: '+', removed: '-', changed: '~' }[c.change]} ${c.change} ${c.where}`);
  return lines.join('\n');
};
