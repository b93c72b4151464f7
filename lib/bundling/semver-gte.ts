/**
 * What the bundles need of `semver`, aliased in its place (FUNCTION_DEFAULTS): aws-xray-sdk-core and
 * cls-hooked, both CommonJS, pull in all of semver (~29 KB minified, nothing shaken out) to call
 * `semver.gte` once each, on Node.js's and the AWS SDK v2's version. A call to anything else fails
 * loudly at that call (test/unit/bundling/semver-gte.test.ts pins the behaviour against semver).
 */
const parts = (version: string): number[] => {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!match) throw new TypeError(`Invalid Version: ${version}`);
  return match.slice(1).map(Number);
};

const preRelease = (version: string): boolean => /^v?\d+\.\d+\.\d+-/.test(version.trim());

/**
 * a >= b on major.minor.patch; a pre-release is below its release, as in semver. Two pre-releases of one
 * version count as equal (semver would compare their tags): neither caller passes one.
 */
export const gte = (a: string, b: string): boolean => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return !preRelease(a) || preRelease(b);
};
