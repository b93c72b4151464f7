// semver ships no types of its own; only gte is compared.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no types to import with
const semver = require('semver') as { gte(a: string, b: string): boolean };
import { gte } from '../../../lib/bundling/semver-gte';

/** The stand-in aliased for semver in every bundle answers `gte` as semver does (on what its callers pass). */
describe('semver-gte', () => {
  const versions = ['0.0.1', '1.0.0', '1.2.3', 'v1.2.3', '1.10.0', '1.9.9', '2.0.0-rc.1', '2.0.0', '8.0.0', '22.11.0', '3.4.1', '2.1001.0'];

  it.each(versions.flatMap((a) => versions.map((b) => [a, b] as const)))('gte(%s, %s) as semver', (a, b) => {
    expect(gte(a, b)).toBe(semver.gte(a, b));
  });

  it('throws on what is not a version, as semver does', () => {
    expect(() => gte('latest', '1.0.0')).toThrow(TypeError);
  });
});
