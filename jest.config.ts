import type { Config } from 'jest';

// Four layers, each a jest project, so one layer can be run alone (`npm run test:unit` etc.).
// Tests run as CommonJS; ESM-only packages (@middy/core, otplib and its deps) are transpiled on the way in.
const ESM_ONLY = ['@middy', 'otplib', '@otplib', '@scure', '@noble', 'node-pg-migrate'];
const tsJest = [
  'ts-jest',
  { diagnostics: false, tsconfig: { module: 'commonjs', moduleResolution: 'node10', allowJs: true, isolatedModules: true } },
];

const project = (displayName: string, extra: Partial<Config> = {}): Config => ({
  displayName,
  testEnvironment: 'node',
  transform: {
    // node-pg-migrate uses import.meta, which ts-jest leaves in place: esbuild converts it instead.
    '/node_modules/node-pg-migrate/.+\\.js$': '<rootDir>/test/support/esm-to-cjs.js',
    '^.+\\.[tj]s$': tsJest as never,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testMatch: [`<rootDir>/test/${displayName}/**/*.test.ts`],
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  ...extra,
});

const config: Config = {
  // Global, not per project (jest ignores it there): generous for the synth, stand-in and e2e layers.
  testTimeout: 120_000,
  projects: [
    project('unit'),
    project('infra'),
    project('integration'),
    project('e2e', {
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/e2e-global-teardown.ts',
    }),
  ],
};

export default config;
