import { availableParallelism } from 'node:os';
import type { Config } from 'jest';

// Four layers, each a jest project, so one layer can be run alone (`npm run test:unit` etc.).
// Tests run as CommonJS; ESM-only packages (@middy/core, otplib and its deps) are transpiled on the way in.
const ESM_ONLY = ['@middy', 'otplib', '@otplib', '@scure', '@noble', 'node-pg-migrate'];

const project = (displayName: string, extra: Partial<Config> = {}): Config => ({
  displayName,
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': '<rootDir>/test/support/esbuild-transform.js' },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testMatch: [`<rootDir>/test/${displayName}/**/*.test.ts`],
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  ...extra,
});

const E2E_RUNTIME: Partial<Config> = {
  globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/e2e-global-teardown.ts',
};

const config: Config = {
  // At least two workers: jest's default (cores - 1) runs the files one at a time on a 2-core machine, yet much
  // of a file's time is waiting (a stand-in starting, the runtime answering, a child process), which another
  // file fills.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // Global, not per project (jest ignores it there): generous for the synth, stand-in and e2e layers.
  testTimeout: 120_000,
  projects: [
    project('unit'),
    project('infra'),
    project('integration'),
    // The e2e files share one local runtime (the global setup starts it), side by side, except those that move
    // its clock forward (a hold another file is paying would lapse): they are named *.clock.test.ts, make a
    // project of their own, and `npm test` runs it after the others, --runInBand, on a runtime of its own
    // (test/support/local-runtime.ts refuses a clock move from any other file on a shared runtime).
    project('e2e', { ...E2E_RUNTIME, testPathIgnorePatterns: ['\\.clock\\.test\\.ts$'] }),
    project('e2e-clock', { ...E2E_RUNTIME, testMatch: ['<rootDir>/test/e2e/**/*.clock.test.ts'] }),
  ],
};

export default config;
