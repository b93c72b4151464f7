import { request } from 'node:http';
import { startLocalApi, type LocalApi } from '../../../local/server';

// The local API Gateway twin on odd paths and queries: a 4xx with the JSON error body, never a crash
// and never a route the path does not name. Raw requests, since fetch() would resolve `..` itself.
let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ port: 0 });
});
afterAll(() => api.stop());

const raw = (method: string, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { port } = new URL(api.url);
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('local API: odd paths and queries', () => {
  it.each(['/v1/cars/%ff', '/v1/cars/%c0%af'])('%s is a 400 with the JSON error body', async (path) => {
    const res = await raw('GET', path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it.each(['/v1/cars/1/photos/..', '/v1/cars/1/photos/%2e%2e', '/v1/./health'])('%s is refused, never routed elsewhere', async (path) => {
    const res = await raw('DELETE', path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/not allowed/);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('?%s=1 is an ordinary query key', async (key) => {
    const res = await raw('GET', `/v1/health?${key}=1`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
  });
});
