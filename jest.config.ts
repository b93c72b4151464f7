import type { Config } from 'jest';

// Four layers, each a jest project, so one layer can be run alone (`npm run test:unit` etc.).
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
};

const project = (displayName: string, extra: Partial<Config> = {}): Config => ({
  displayName,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${displayName}/**/*.test.ts`],
  ...extra,
});

const config: Config = {
  projects: [
    project('unit'),
    project('infra', { testTimeout: 120_000 }),
    project('integration', { testTimeout: 120_000 }),
    project('e2e', { testTimeout: 180_000 }),
  ],
};

export default config;
