import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { inSubsegment } from '../shared/observability';

/**
 * SET as the functions call it, one overload per form (so ioredis, whose overloads are many, fits too);
 * resolves to null when NX refused.
 */
interface SetCommand<R> {
  (key: string, value: string | number): R;
  (key: string, value: string | number, ex: 'EX', seconds: number): R;
  (key: string, value: string | number, px: 'PX', milliseconds: number): R;
  (key: string, value: string | number, ex: 'EX', seconds: number, nx: 'NX'): R;
  (key: string, value: string | number, px: 'PX', milliseconds: number, nx: 'NX'): R;
}

/**
 * The Redis commands the functions use (locks, caches, sign-in counters, the health ping). The adapters
 * depend on this, not on a client library: Lambda gets RespClient below, tests and the local runtime may
 * hand in ioredis or ioredis-mock.
 */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set: SetCommand<Promise<'OK' | null>>;
  incr(key: string): Promise<number>;
  del(...keys: string[]): Promise<number>;
  ttl(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  ping(): Promise<string>;
  /** MULTI … EXEC: the queued commands run together; exec resolves to [error, reply] per command. */
  multi(): RedisTransaction;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface RedisTransaction {
  set: SetCommand<RedisTransaction>;
  incr(key: string): RedisTransaction;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

export interface RespClientOptions {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db?: number;
  /** Put before every key (and only keys), as ioredis' keyPrefix does. */
  keyPrefix?: string;
  connectTimeoutMs: number;
  /** A command without an answer by then is rejected (its late answer is read and dropped). */
  commandTimeoutMs: number;
  /** Called once when the connection ends, so the owner can open a new one on the next call. */
  onClose?: () => void;
}

export class ReplyError extends Error {
  override name = 'ReplyError';
}

type Reply = string | number | null | ReplyError | Reply[];
type Arg = string | number;

const CRLF = '\r\n';

/** One RESP2 reply from `buf` at `at`: the value and where the next begins, or undefined while incomplete. */
export const parseReply = (buf: Buffer, at: number): { value: Reply; next: number } | undefined => {
  const eol = buf.indexOf(CRLF, at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  switch (buf[at]) {
    case 0x2b: // + simple string
      return { value: line, next: eol + 2 };
    case 0x2d: // - error
      return { value: new ReplyError(line), next: eol + 2 };
    case 0x3a: // : integer
      return { value: Number(line), next: eol + 2 };
    case 0x24: {
      // $ bulk string ($-1: nil)
      const length = Number(line);
      if (length < 0) return { value: null, next: eol + 2 };
      const end = eol + 2 + length;
      if (buf.length < end + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, end), next: end + 2 };
    }
    case 0x2a: {
      // * array (*-1: nil)
      const count = Number(line);
      if (count < 0) return { value: null, next: eol + 2 };
      const items: Reply[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`Redis protocol error: unexpected byte ${buf[at]}`);
  }
};

export const encodeCommand = (args: Arg[]): string =>
  `*${args.length}${CRLF}${args.map((a) => `$${Buffer.byteLength(String(a))}${CRLF}${a}${CRLF}`).join('')}`;

/** Which arguments of a command are keys (to prefix): the first, all of DEL's, EVAL's numKeys after the count. */
const withPrefix = (prefix: string, [name, ...args]: Arg[]): Arg[] => {
  if (!prefix) return [name, ...args];
  const keyed = (i: number) => {
    if (name === 'DEL') return true;
    if (name === 'EVAL') return i >= 2 && i < 2 + Number(args[1]);
    return i === 0 && ['GET', 'SET', 'INCR', 'TTL'].includes(String(name));
  };
  return [name, ...args.map((a, i) => (keyed(i) ? `${prefix}${a}` : a))];
};

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
  /** Timed out: the answer, when it comes, is read and dropped so the next one lines up. */
  settled: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * A minimal Redis client: one connection (TLS in AWS), RESP2, pipelined commands answered in order. It
 * replaces ioredis in the bundles (about 150 KB with its Cluster, Sentinel and the command table, all
 * loaded at init) because a function needs a dozen commands on one node. No reconnect, no offline
 * queue: Redis is an accelerator, so a broken connection fails the calls (callers fall back to
 * DynamoDB) and `onClose` lets the owner open a new one on the next call.
 */
export class RespClient implements RedisCommands {
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: RespClientOptions,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.read(chunk));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close(new Error('Redis connection closed')));
  }

  /** Connects, authenticates and selects the database; rejects (and closes) on timeout or refusal. */
  static async connect(options: RespClientOptions): Promise<RespClient> {
    const { host, port } = options;
    const socket = options.tls ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    const client = new RespClient(socket, options);
    const timer = setTimeout(() => socket.destroy(new Error(`Redis connect timeout (${host}:${port})`)), options.connectTimeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once(options.tls ? 'secureConnect' : 'connect', resolve);
        socket.once('error', reject);
        socket.once('close', () => reject(new Error(`Redis connection closed (${host}:${port})`)));
      });
      if (options.password) {
        await client.command(options.username ? ['AUTH', options.username, options.password] : ['AUTH', options.password]);
      }
      if (options.db) await client.command(['SELECT', options.db]);
      return client;
    } catch (err) {
      socket.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get(key: string) {
    return this.traced(['GET', key]) as Promise<string | null>;
  }

  set(key: string, value: string | number, ...options: Arg[]) {
    return this.traced(['SET', key, value, ...options]) as Promise<'OK' | null>;
  }

  incr(key: string) {
    return this.traced(['INCR', key]) as Promise<number>;
  }

  del(...keys: string[]) {
    return this.traced(['DEL', ...keys]) as Promise<number>;
  }

  ttl(key: string) {
    return this.traced(['TTL', key]) as Promise<number>;
  }

  eval(script: string, numKeys: number, ...keysAndArgs: Arg[]) {
    return this.traced(['EVAL', script, numKeys, ...keysAndArgs]) as Promise<unknown>;
  }

  ping() {
    return this.traced(['PING']) as Promise<string>;
  }

  multi(): RedisTransaction {
    const queued: Arg[][] = [];
    const transaction: RedisTransaction = {
      set: (key: string, value: string | number, ...options: Arg[]) => (queued.push(['SET', key, value, ...options]), transaction),
      incr: (key) => (queued.push(['INCR', key]), transaction),
      exec: () =>
        inSubsegment('Redis', { command: 'MULTI' }, async () => {
          // Sent together; the queued commands answer QUEUED (or an error that aborts EXEC), EXEC the replies.
          const replies = [['MULTI'], ...queued, ['EXEC']].map((args) => this.command(args));
          const results = await Promise.allSettled(replies);
          const exec = results[results.length - 1];
          if (exec.status === 'rejected') throw exec.reason;
          const values = exec.value as Reply[] | null;
          return values && values.map((v): [Error | null, unknown] => (v instanceof Error ? [v, null] : [null, v]));
        }),
    };
    return transaction;
  }

  async quit() {
    const reply = await this.command(['QUIT']).catch(() => 'OK');
    this.socket.end();
    return reply;
  }

  disconnect() {
    this.socket.destroy();
  }

  private traced(args: Arg[]): Promise<Reply> {
    return inSubsegment('Redis', { command: String(args[0]) }, () => this.command(args));
  }

  private command(args: Arg[]): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('Redis connection closed'));
    return new Promise<Reply>((resolve, reject) => {
      const entry: Pending = { resolve, reject, settled: false };
      entry.timer = setTimeout(() => {
        entry.settled = true;
        reject(new Error(`Redis command timed out after ${this.options.commandTimeoutMs} ms (${args[0]})`));
      }, this.options.commandTimeoutMs);
      this.pending.push(entry);
      this.socket.write(encodeCommand(withPrefix(this.options.keyPrefix ?? '', args)));
    }).then((reply) => {
      if (reply instanceof Error) throw reply;
      return reply;
    });
  }

  private read(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let at = 0;
    try {
      for (let reply = parseReply(this.buffer, at); reply; reply = parseReply(this.buffer, at)) {
        at = reply.next;
        const entry = this.pending.shift();
        if (!entry) continue;
        clearTimeout(entry.timer);
        // A command's own error reply (WRONGTYPE, a Lua error…) rejects that command only.
        if (!entry.settled) entry.resolve(reply.value);
      }
    } catch (err) {
      this.socket.destroy(err as Error);
      return;
    }
    this.buffer = this.buffer.subarray(at);
  }

  private close(err: Error) {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.pending.splice(0)) {
      clearTimeout(entry.timer);
      if (!entry.settled) entry.reject(err);
    }
    this.options.onClose?.();
  }
}
