import { stopRuntimeProcess } from './runtime-process';

/** Stops the runtime the global setup started. */
export default async function teardown(): Promise<void> {
  await stopRuntimeProcess(globalThis.__LOCAL_RUNTIME__);
}
