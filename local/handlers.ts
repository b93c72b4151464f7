import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';

const ROOT = path.resolve(__dirname, '..');
const cache = new Map<string, Promise<Handler>>();

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type StoreContext = Record<string | symbol, unknown>;

/**
 * What Lambda's runtime installs as `awslambda.InvokeStore` on its multi-concurrency runtimes (the package's
 * own `getInstanceAsync` builds the same on a dynamic import, which jest's CommonJS cannot run).
 */
class LocalInvokeStore extends InvokeStoreBase {
  private readonly als = new AsyncLocalStorage<StoreContext>();
  getContext = () => this.als.getStore();
  hasContext = () => this.als.getStore() !== undefined;
  get = <T>(key: string | symbol) => this.als.getStore()?.[key] as T | undefined;
  set = <T>(key: string | symbol, value: T) => {
    const store = this.als.getStore();
    if (!store || this.isProtectedKey(key)) throw new Error(`Cannot set ${String(key)} here`);
    store[key] = value;
  };
  run = <T>(context: StoreContext, fn: () => T): T => this.als.run(context, fn);
}

/**
 * The local runtime runs every function in one process, with invocations overlapping, where Lambda runs one
 * at a time per instance. Powertools keeps its per-invocation state (log keys, Lambda context, correlation
 * id, batch state) in the InvokeStore when AWS_LAMBDA_MAX_CONCURRENCY is set, as on Lambda's multi-concurrency
 * runtimes: each invocation runs in its own store context, so its log lines carry its own request id.
 */
const invocationScope = (): InvokeStoreBase => {
  const lambdaGlobal = ((globalThis as { awslambda?: { InvokeStore?: InvokeStoreBase } }).awslambda ??= {});
  lambdaGlobal.InvokeStore ??= new LocalInvokeStore();
  // Set only once the store exists: Powertools throws on a read with the variable set and no store.
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  return lambdaGlobal.InvokeStore;
};

/** Runs every invocation of `handler` in an InvokeStore context of its own, as loadHandler's handlers do. */
export const scoped =
  (handler: Handler): Handler =>
  (event, context) =>
    invocationScope().run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(event, context));

/**
 * Loads a capability's handler module by the same `entry` the CDK stack bundles, once, like a warm
 * Lambda instance: module-level clients and caches are reused across invocations.
 */
export const loadHandler = (entry: string): Promise<Handler> => {
  let loaded = cache.get(entry);
  if (!loaded) {
    loaded = import(path.join(ROOT, entry)).then((mod: { handler?: unknown; default?: { handler?: unknown } }) => {
      const handler = mod.handler ?? mod.default?.handler;
      if (typeof handler !== 'function') throw new Error(`${entry} does not export a handler`);
      return scoped(handler as Handler);
    });
    cache.set(entry, loaded);
  }
  return loaded;
};
