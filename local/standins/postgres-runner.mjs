// Runs PGlite, served over the Postgres wire protocol, in a child Node process: PGlite loads its
// WASM and extensions with dynamic import(), which CommonJS under jest cannot do, and its
// single-threaded engine would otherwise block the caller's event loop. Data lives in
// PGLITE_DATA_DIR when set, else in memory. Protocol: see runner.ts.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Connections a local API, its worker and tests may hold at once; the default of 1 refuses the second.
const MAX_CONNECTIONS = 20;

const extensions = { btree_gist };

// An in-memory PGlite runs initdb on every start (~3 s); loading a dump of a freshly initialised
// database takes ~0.5 s. So the first start saves one (gzip, ~5 MB) in the temp dir, keyed by the
// PGlite version, and later starts load it. A data dir is initialised once anyway and needs no template.
async function openDatabase(dataDir) {
  if (dataDir) return initialise(await PGlite.create(dataDir, { extensions }));
  const version = JSON.parse(await readFile(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')), 'utf8')).version;
  const template = join(tmpdir(), `pglite-${version}-btree_gist.tar.gz`);
  const saved = await readFile(template).catch(() => undefined);
  if (saved) {
    try {
      return await PGlite.create({ extensions, loadDataDir: new Blob([saved]) });
    } catch {
      // Unreadable template: fall through and replace it.
    }
  }
  const db = await initialise(await PGlite.create({ extensions }));
  const dump = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
  // Write then rename, so a concurrent start never reads half a file.
  const partial = `${template}.${process.pid}`;
  await writeFile(partial, dump);
  await rename(partial, template);
  return db;
}

// The reservation schema's exclusion constraint (no overlapping rentals of a car) needs btree_gist.
async function initialise(db) {
  await db.exec('CREATE EXTENSION IF NOT EXISTS btree_gist');
  return db;
}

const db = await openDatabase(process.env.PGLITE_DATA_DIR);
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CONNECTIONS });
await server.start();
// PGlite has one user and database, "postgres", and ignores the password, but pg wants one.
process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:postgres@${server.getServerConn()}/postgres` })}\n`);

let stopping;
const shutdown = () =>
  (stopping ??= server
    .stop()
    .then(() => db.close())
    .finally(() => process.exit(0)));
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
