import { request } from 'node:http';
import { connect } from 'node:net';
import { GATEWAY_ERRORS, localMessage, type GatewayError } from '../../../lib/api/gateway-responses';
import { startLocalApi, type LocalApi } from '../../../local/server';

// The local API Gateway twin answers its own refusals from the table the stack's gateway responses are made
// of (lib/api/gateway-responses.ts), and every refusal is a status with the JSON error body: oversized
// bodies and headers included, where Node's defaults reset the connection or send no body.
let api: LocalApi;
let port: number;
beforeAll(async () => {
  api = await startLocalApi({ port: 0 });
  port = Number(new URL(api.url).port);
});
afterAll(() => api.stop());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const send = (opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer; chunks?: Buffer[] }) =>
  new Promise<Raw>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of opts.chunks ?? []) req.write(chunk);
    req.end(opts.body);
  });

/** What the table says the gateway answers: the same status, code, message and headers as in AWS. */
const expectGatewayAnswer = (res: Raw, error: GatewayError, fallback = '', requestId?: string) => {
  expect(res.status).toBe(error.status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(res.body)).toEqual({ error: { code: error.code, message: localMessage(error, fallback, requestId) } });
  for (const [name, value] of Object.entries(error.headers ?? {})) expect(res.headers[name.toLowerCase()]).toBe(value);
};

describe('local API: oversized requests', () => {
  const elevenMb = Buffer.alloc(11 * 1024 * 1024, 'a');

  it('a body over 10 MB (Content-Length) is a 413 with the JSON body, then the connection closes', async () => {
    const res = await send({ method: 'POST', path: '/v1/cars', headers: { 'content-type': 'application/json' }, body: elevenMb });
    expectGatewayAnswer(res, GATEWAY_ERRORS.payloadTooLarge);
    expect(res.headers.connection).toBe('close');
  });

  it('a chunked body over 10 MB is a 413 with the JSON body too', async () => {
    const chunks = Array.from({ length: 11 }, () => Buffer.alloc(1024 * 1024, 'b'));
    const res = await send({ method: 'POST', path: '/v1/users/register', chunks });
    expectGatewayAnswer(res, GATEWAY_ERRORS.payloadTooLarge);
  });

  it('a body Lambda cannot be invoked with (over 6 MB) is API Gateway’s 500, before any function runs', async () => {
    const res = await send({ method: 'POST', path: '/v1/users/register', body: Buffer.alloc(7 * 1024 * 1024, 'c') });
    const requestId = /reference ([0-9a-f-]{36})/.exec(res.body)?.[1];
    expectGatewayAnswer(res, { ...GATEWAY_ERRORS.functionFailed, status: 500 }, '', requestId);
  });

  it('headers over API Gateway’s 10,240 bytes are a 431 with the JSON body', async () => {
    const res = await send({ path: '/v1/health', headers: { 'x-padding': 'p'.repeat(20 * 1024) } });
    expectGatewayAnswer(res, GATEWAY_ERRORS.headersTooLarge);
  });

  it('bytes that are not HTTP are a 400 with the JSON body', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});

describe('local API: the gateway’s own answers, as in AWS', () => {
  it('a known path with another method is the same 404 as an unknown path (no 405 in AWS)', async () => {
    for (const [method, path] of [
      ['DELETE', '/v1/health'],
      ['POST', '/v1/payments/methods'],
      ['GET', '/v1/no-such-thing'],
      ['GET', '/health'],
    ]) {
      expectGatewayAnswer(await send({ method, path }), GATEWAY_ERRORS.noRoute);
    }
  });

  it('a protected route without a token is the authorizer’s 401', async () => {
    expectGatewayAnswer(await send({ path: '/v1/users/me' }), GATEWAY_ERRORS.unauthenticated);
  });

  it('over the method’s burst: the 429 with API Gateway’s fixed Retry-After', async () => {
    // GET /health allows a burst of 40.
    const answers = await Promise.all(Array.from({ length: 80 }, () => send({ path: '/v1/health' })));
    const throttled = answers.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expectGatewayAnswer(throttled[0], GATEWAY_ERRORS.throttled);
  });
});
