import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const cache = new Map<string, Promise<unknown>>();

/**
 * Loads a capability's handler module by the same `entry` the CDK stack bundles, once, like a warm
 * Lambda instance: module-level clients and caches are reused across invocations.
 */
export const loadHandler = (entry: string): Promise<unknown> => {
  let loaded = cache.get(entry);
  if (!loaded) {
    loaded = import(path.join(ROOT, entry)).then((mod: { handler?: unknown; default?: { handler?: unknown } }) => {
      const handler = mod.handler ?? mod.default?.handler;
      if (typeof handler !== 'function') throw new Error(`${entry} does not export a handler`);
      return handler;
    });
    cache.set(entry, loaded);
  }
  return loaded;
};
