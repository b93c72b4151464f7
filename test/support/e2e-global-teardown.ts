/** Stops the runtime the global setup started, the way a user does: Ctrl-C (SIGINT). */
export default async function teardown(): Promise<void> {
  const child = globalThis.__LOCAL_RUNTIME__;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
