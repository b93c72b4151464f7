// Runs fauxqs (SQS + S3 emulator) in its own Node process, because fauxqs is ESM-only and CommonJS
// code under jest cannot load it. Prints one JSON line ({ address }) once listening, and exits
// when its parent goes away (stdin closes), so it cannot be orphaned.
//
// It assembles the server from fauxqs's buildApp instead of startFauxqs, to change three things:
// - queue URLs use the host the client called (http://127.0.0.1:<port>/000000000000/<name>) rather
//   than sqs.<region>.localhost, which does not resolve here; the SDK sends requests to a queue URL's
//   host whenever the endpoint comes from AWS_ENDPOINT_URL_SQS, so that host must be reachable;
// - it listens on 127.0.0.1 only (startFauxqs binds 0.0.0.0, and fauxqs has no auth);
// - it answers CORS, which fauxqs lacks, so browsers can PUT to presigned S3 URLs.
import { buildApp } from 'fauxqs';

// SqsStore is not exported; an empty `host` makes it build queue URLs from the request's Host header.
const { SqsStore } = await import(new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href);
const sqsStore = new SqsStore();
sqsStore.host = '';

const app = buildApp({ logger: false, stores: { sqsStore } });
app.addHook('onRequest', async (request, reply) => {
  const origin = request.headers.origin;
  if (!origin) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-methods', 'GET, PUT, POST, HEAD, DELETE');
  reply.header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '*');
  reply.header('access-control-expose-headers', 'ETag');
  reply.header('access-control-max-age', '3000');
  if (request.method === 'OPTIONS') return reply.code(204).send();
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ address })}\n`);

const shutdown = () => app.close().finally(() => process.exit(0));
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
