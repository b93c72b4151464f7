import { apiUrl, request } from '../support/local-runtime';
import { adminToken, bearer } from '../support/tokens';

const api = apiUrl();

describe('local runtime: operations endpoints', () => {
  it('serves liveness without touching dependencies', async () => {
    const res = await request(`${api}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String), checks: {} });
  });

  it('reports readiness of DynamoDB, Redis, PostgreSQL and Cognito with deep=true, status only', async () => {
    const res = await request(`${api}/health?deep=true`);
    expect(res.status).toBe(200);
    const up = { status: 'ok', latencyMs: expect.any(Number) };
    expect(res.body.checks).toEqual({ dynamodb: up, redis: up, postgres: up, cognito: up });
  });

  it('gives the details only to admins', async () => {
    expect((await request(`${api}/health/details`)).status).toBe(401);
    const res = await request(`${api}/health/details`, { headers: bearer(await adminToken()) });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.checks).sort()).toEqual(['cognito', 'dynamodb', 'postgres', 'redis']);
  });

  it('refuses a malformed query parameter with the field named', async () => {
    const res = await request(`${api}/health?deep=maybe`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.fields[0].field).toBe('query.deep');
  });

  it('serves the OpenAPI 3.1 document generated from the route table', async () => {
    const res = await request(`${api}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/openapi.json']));
  });

  it('serves a human-readable API reference at /docs', async () => {
    const res = await request(api.replace(/\/v1$/, '/docs'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toContain('GET /v1/health');
  });
});

describe('local runtime: API Gateway behaviour', () => {
  it('answers unknown paths and methods with JSON errors', async () => {
    const unknown = await request(`${api}/no-such-thing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    // API Gateway answers a known path with another method as an unknown one (MISSING_AUTHENTICATION_TOKEN).
    const wrongMethod = await request(`${api}/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body).toEqual(unknown.body);
    const outsideStage = await request(api.replace(/\/v1$/, '/health'));
    expect(outsideStage.status).toBe(404);
  });

  it('throttles a burst above the method limit with 429 and Retry-After, then recovers', async () => {
    // GET /health allows 20 rps with a burst of 40.
    const burst = await Promise.all(Array.from({ length: 80 }, () => request(`${api}/health`)));
    const throttled = burst.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // Earlier tests in this file spent a few of the 40 burst tokens.
    expect(burst.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
    expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(throttled[0].body.error.code).toBe('THROTTLED');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await request(`${api}/health`)).status).toBe(200);
  });
});

describe('local runtime: demo data', () => {
  it('starts with a demo fleet to search, added through the same use case as POST /v1/cars', async () => {
    const start = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const end = new Date(Date.now() + 13 * 86_400_000).toISOString().slice(0, 10);
    const res = await request(`${api}/cars?location=LAX&startDate=${start}&endDate=${end}&limit=100`);
    expect(res.status).toBe(200);
    expect(res.body.cars.length).toBeGreaterThanOrEqual(10);
    const locations = await request(`${api}/locations`);
    const lax = locations.body.locations.find((l: { code: string }) => l.code === 'LAX');
    expect(lax.activeCars).toBeGreaterThanOrEqual(10);
  });
});
