/**
 * The API's clients, generated from the OpenAPI documents the route table makes, so none can drift from the API:
 *   npm run client:generate   rewrites them: the typed client's types (clients/typescript/src/schema.ts) and a
 *                             Bruno collection per version (clients/bruno/v1, clients/bruno/v2)
 *   npm run client:check      exits 1 when a checked-in file is not what generation gives, or a generated folder
 *                             holds a file generation does not give (CI runs it)
 * Each client's module says what its files are; this script formats them as the repository's Prettier config says
 * (where Prettier knows the format) and writes or compares them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { format, getFileInfo, resolveConfig } from 'prettier';
import { brunoCollections } from './bruno/scripts/collection';
import { typescriptClient } from './typescript/scripts/schema';

const ROOT = join(__dirname, '..');

interface Generated {
  /** Absolute path → the file's text. */
  files: Map<string, string>;
  /** Folders that hold generated files only. */
  ownedDirs: string[];
}

const formatted = async (file: string, text: string) => {
  const { inferredParser } = await getFileInfo(file);
  if (!inferredParser) return text;
  return format(text, { ...(await resolveConfig(file)), filepath: file });
};

/** Every client's files as generation gives them today. */
export const generateClients = async (): Promise<Generated> => {
  const clients: Generated[] = [await typescriptClient(), brunoCollections()];
  const files = new Map<string, string>();
  for (const client of clients) for (const [file, text] of client.files) files.set(file, await formatted(file, text));
  return { files, ownedDirs: clients.flatMap((client) => client.ownedDirs) };
};

const filesUnder = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(dir, name))
      .filter((file) => statSync(file).isFile());
  } catch {
    return []; // a missing folder holds nothing
  }
};

const readIfThere = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // a missing file is as stale as an old one
  }
};

/** The files that differ from generation, and the files in generated folders that generation does not give. */
export const staleFiles = ({ files, ownedDirs }: Generated) => [
  ...[...files].filter(([file, text]) => readIfThere(file) !== text).map(([file]) => file),
  ...ownedDirs.flatMap(filesUnder).filter((file) => !files.has(file)),
];

const main = async () => {
  const generated = await generateClients();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(generated);
    if (stale.length > 0) {
      console.error(
        `${stale.length} stale (the OpenAPI documents changed, or a generated file was edited): ${stale
          .slice(0, 10)
          .map((file) => relative(ROOT, file))
          .join(', ')}` +
          `${stale.length > 10 ? ', …' : ''}.\n` +
          'Run `npm run client:generate` and commit the result.',
      );
      process.exit(1);
    }
    console.log(`${generated.files.size} generated client files are up to date.`);
    return;
  }
  // A generated folder is rewritten whole, so an operation that is gone leaves no file behind.
  for (const dir of generated.ownedDirs) rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of generated.files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const loose = [...generated.files.keys()].filter((file) => !generated.ownedDirs.some((dir) => file.startsWith(dir + sep)));
  console.log(`wrote ${generated.files.size} files: ${[...loose, ...generated.ownedDirs].map((path) => relative(ROOT, path)).join(', ')}`);
};

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err);
    process.exit(1);
  });
}
