import { stopRuntimeProcess } from './runtime-process';
import { forgetTotpSteps } from './tokens';

/** Stops the runtime the global setup started, and forgets the TOTP steps claimed on it. */
export default async function teardown(): Promise<void> {
  await stopRuntimeProcess(globalThis.__LOCAL_RUNTIME__);
  if (process.env.E2E_SHARED_API_URL) forgetTotpSteps(process.env.E2E_SHARED_API_URL);
}
