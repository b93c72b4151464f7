import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake saw: enough for a test to check what the adapter sent (never used for anything else). */
export interface SeenRequest {
  method: string;
  path: string;
  /** Lower-cased header names; `authorization` is kept (these are fake credentials). */
  headers: Record<string, string>;
  /** Parsed body: form fields (nested `a[b]` keys unfolded) or JSON; undefined when empty. */
  body: unknown;
  status: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeServer {
  url: string;
  host: string;
  port: number;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

export interface ParsedRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: Record<string, string>;
  headers: Record<string, string>;
  raw: string;
}

export const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const flatHeaders = (req: IncomingMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? '')]));

/**
 * Unfolds a form body the way Stripe reads it: `a[b][c]=1` is `{ a: { b: { c: '1' } } }`, `a[]=1&a[]=2`
 * and `a[0]=1` are arrays.
 */
export const parseForm = (raw: string): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    const path = m ? [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1])] : [key];
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      node[path[i]] ??= path[i + 1] === '' || /^\d+$/.test(path[i + 1]) ? [] : {};
      node = node[path[i]] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (Array.isArray(node) && last === '') node.push(value);
    else node[last] = value;
  }
  return out;
};

/**
 * A tiny node:http server on 127.0.0.1 and a free port. `handle` gets the request with its body read and
 * returns the reply; each exchange is recorded in `requests`.
 */
export const startServer = async (
  handle: (req: ParsedRequest, parsedBody: unknown) => Promise<Reply> | Reply,
  parse: (raw: string, headers: Record<string, string>) => unknown,
): Promise<FakeServer> => {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const raw = await readBody(req);
      const headers = flatHeaders(req);
      // Absolute-form targets (a client talking through a proxy) are accepted as their path.
      const target = new URL(req.url ?? '/', 'http://fake.invalid');
      const path = target.pathname;
      let body: unknown;
      try {
        body = raw ? parse(raw, headers) : undefined;
      } catch {
        body = raw;
      }
      let reply: Reply;
      try {
        reply = await handle({ method: req.method ?? 'GET', path, query: Object.fromEntries(target.searchParams), headers, raw }, body);
      } catch (err) {
        reply = { status: 500, body: { error: { message: `fake crashed: ${(err as Error).message}` } } };
      }
      requests.push({ method: req.method ?? 'GET', path, headers, body, status: reply.status });
      const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers });
      res.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Ids shaped like the real ones: a prefix and random letters and digits. */
export const fakeId = (prefix: string, length = 24, alphabet = ALPHANUMERIC): string => {
  let s = prefix;
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
};
