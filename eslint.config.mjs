// ESLint: typescript-eslint's type-aware recommended rules over every TypeScript file tsconfig.json
// includes, plus a check that every package the code imports is declared in package.json.
import js from '@eslint/js';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'coverage/', '.local-data/', '.cold-start/', '.cold-start-test-*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      // Promises nobody awaits lose their errors: each must be awaited, returned, or `void`ed with a reason.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Every imported package is declared (devDependencies only where the code never ships: see below).
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, includeTypes: true }],
      // `_`-prefixed names are intended (as tsc's noUnusedParameters allows); `catch (err)` may ignore err.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An `async` function without `await` is how a port or fake returns a Promise and turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // String(x) is how this code turns values of unknown shape (CDK context, SQL rows, parsed JSON) into text, on purpose.
      '@typescript-eslint/no-base-to-string': 'off',
      // As the default, plus Node's own URLSearchParams (the default only knows the DOM library's).
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowAny: true,
          allowBoolean: true,
          allowNullish: true,
          allowNumber: true,
          allowRegExp: true,
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', name: 'URLSearchParams', package: 'url' },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks read parsed JSON responses and CDK templates as `any`, and their expect()s are the check.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(fake.method).toHaveBeenCalled() passes methods around without calling them.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The functions, the CDK app and the operator tools work without the local runtime (and its devDependencies).
    files: ['lambdas/**', 'lib/**', 'bin/**'],
    ignores: ['bin/local.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // The one file the operator tools share with npm start (which runtime `--local` reaches) uses no devDependency.
              group: ['**/local/*', '!**/local/runtime-file'],
              message: 'Only npm start, the tests and the benches use local/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Code that never ships in a Lambda bundle or the CDK app: tests, benchmarks, the local runtime and its tools.
    files: [
      'test/**',
      'bench/**',
      'local/**',
      'bin/local.ts',
      // The API contract check (npm run api:contract) runs from the repository, with the diff tool from its devDependencies.
      'bin/api-contract.ts',
      'bin/support/openapi-contract.ts',
      'jest.config.ts',
      'eslint.config.mjs',
    ],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: true }] },
  },
  {
    // The typed client ships what its own package.json declares (openapi-fetch); the clients' generator
    // (clients/generate.ts and each client's scripts/) and the example run from this repository, with its devDependencies.
    files: ['clients/typescript/src/**'],
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: false, includeTypes: true, packageDir: `${import.meta.dirname}/clients/typescript` },
      ],
    },
  },
  {
    files: ['clients/generate.ts', 'clients/*/scripts/**', 'clients/typescript/example.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: true, packageDir: import.meta.dirname }],
    },
  },
  {
    // Plain JavaScript (runners started as child processes, jest's transformer): no type information.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // CommonJS files load their dependencies with require(): that is what the format is.
    files: ['**/*.cjs', 'test/support/esbuild-transform.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
