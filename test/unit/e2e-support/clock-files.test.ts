import { checkMayMoveClock } from '../../support/local-runtime';

/**
 * e2e files run side by side on one runtime; only *.clock.test.ts files, which npm test runs apart and one
 * at a time, may move its clock. A file of its own runtime may move that one's.
 */
describe('checkMayMoveClock', () => {
  it('refuses a file not named *.clock.test.ts on the shared runtime, naming the file and the rule', () => {
    expect(() => checkMayMoveClock('/repo/test/e2e/bookings.test.ts', true)).toThrow(
      "/repo/test/e2e/bookings.test.ts moves the shared runtime's clock: name it *.clock.test.ts",
    );
    expect(() => checkMayMoveClock('/repo/test/e2e/clock.test.tsx', true)).toThrow('name it *.clock.test.ts');
    expect(() => checkMayMoveClock(undefined, true)).toThrow("this file moves the shared runtime's clock");
  });

  it('lets a *.clock.test.ts file move it, and any file move a runtime of its own', () => {
    expect(() => checkMayMoveClock('/repo/test/e2e/counter.clock.test.ts', true)).not.toThrow();
    expect(() => checkMayMoveClock('/repo/test/e2e/feedback.test.ts', false)).not.toThrow();
  });

  it('knows the shared runtime by the address the global setup published', () => {
    const saved = { api: process.env.E2E_API_URL, shared: process.env.E2E_SHARED_API_URL };
    try {
      process.env.E2E_SHARED_API_URL = 'http://127.0.0.1:4000/v1';
      process.env.E2E_API_URL = 'http://127.0.0.1:4000/v1';
      expect(() => checkMayMoveClock('/repo/test/e2e/fleet.test.ts')).toThrow('name it *.clock.test.ts');
      process.env.E2E_API_URL = 'http://127.0.0.1:4100/v1'; // a file's own (switchToOwnRuntime)
      expect(() => checkMayMoveClock('/repo/test/e2e/fleet.test.ts')).not.toThrow();
      delete process.env.E2E_SHARED_API_URL; // not under the e2e global setup at all
      expect(() => checkMayMoveClock('/repo/test/e2e/fleet.test.ts')).not.toThrow();
    } finally {
      for (const [name, value] of [
        ['E2E_API_URL', saved.api],
        ['E2E_SHARED_API_URL', saved.shared],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
