import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * package.json declares what the code uses and nothing more. That every imported package is declared
 * (and where) is ESLint's import-x/no-extraneous-dependencies; this is the other direction: a declared
 * package that nothing imports is either a tool run by name (listed below, with what runs it) or gone.
 */
const ROOT = join(__dirname, '../..');
const SOURCE_DIRS = ['bin', 'bench', 'clients', 'lambdas', 'lib', 'local', 'test'];
const ROOT_FILES = ['jest.config.ts', 'eslint.config.mjs'];

const TOOLS: Record<string, string> = {
  typescript: 'tsc --noEmit',
  tsx: 'npm scripts and cdk.json run the TypeScript entry points with it',
  'ts-node': 'jest reads jest.config.ts with it',
  jest: 'npm test',
  'aws-cdk': 'the cdk CLI (synth, deploy)',
  eslint: 'npm run lint',
  prettier: 'npm run format',
  '@stoplight/spectral-cli': 'npm run lint:openapi',
  '@stoplight/spectral-owasp-ruleset': '.spectral.yaml extends it',
  '@types/aws-lambda': 'types for the handlers',
  '@types/jest': 'types for the tests',
  '@types/node': 'types for Node.js',
  '@types/pg': 'types for pg',
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|mjs|cjs|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );

// `from 'x'`, `import 'x'`, `import('x')`, `require('x')`, `require.resolve('x')`: bare specifiers only.
const SPECIFIER = /(?:from\s+|import\s*\(?\s*|require(?:\.resolve)?\s*\(\s*)['"]([^'".][^'"]*)['"]/g;
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const imported = new Set(
  [...SOURCE_DIRS.flatMap(sourceFiles), ...ROOT_FILES].flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(SPECIFIER)].map((m) => packageOf(m[1])).filter((name) => !name.startsWith('node:')),
  ),
);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const declared = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });

it('finds the imports it looks for', () => {
  // A broken pattern would find nothing and pass the test below for a tree full of unused packages.
  expect([...imported]).toEqual(expect.arrayContaining(['aws-cdk-lib', '@aws-sdk/client-dynamodb', 'zod', 'otplib', 'fauxqs']));
});

it('declares no package that nothing imports, except the tools it names', () => {
  expect(declared.filter((name) => !imported.has(name) && !(name in TOOLS))).toEqual([]);
});

it('lists only declared tools', () => {
  expect(Object.keys(TOOLS).filter((name) => !declared.includes(name))).toEqual([]);
});
