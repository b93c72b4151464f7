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

const config: Config = {
  // At least two workers: jest's default (cores - 1) runs the files one at a time on a 2-core machine, yet much
  // of a file's time is waiting (a stand-in starting, the runtime answering, a child process), which another
  // file fills. Not the e2e layer: its files share one local runtime whose clock some of them move forward
  // (a hold another file is paying would lapse), so `npm test` runs it apart, --runInBand.
  maxWorkers: Math.max(2, availableParallelism() - 1),
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
