/**
 * ioredis, behind a path of our own so that the bundles ship it as a sidecar beside index.js (lib/bundling/
 * sidecars.ts): it is loaded by the first Redis call, never at a cold start.
 */
import Redis from 'ioredis';

export default Redis;
