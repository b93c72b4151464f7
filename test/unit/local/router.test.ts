import * as z from '../../../lambdas/shared/zod';
import type { RouteDefinition } from '../../../lambdas/api/route';
import { BadPathEncoding, Router } from '../../../local/router';

const route = (method: RouteDefinition['method'], path: string): RouteDefinition => ({
  operationId: `${method}${path}`,
  method,
  path,
  capability: 'health',
  access: 'public',
  summary: '',
  tag: 't',
  request: { params: z.object({}) },
  responses: { 200: { description: 'ok' } },
  throttle: { rateLimit: 1, burstLimit: 1 },
});

describe('Router', () => {
  const router = new Router([route('GET', '/cars/{carId}'), route('GET', '/cars/search'), route('PUT', '/cars/{carId}')]);

  it('extracts and decodes path parameters', () => {
    const m = router.match('GET', '/cars/a%20b');
    expect(m).toMatchObject({ route: { path: '/cars/{carId}' }, params: { carId: 'a b' } });
  });

  it('prefers literal segments over parameters, as API Gateway does', () => {
    expect(router.match('GET', '/cars/search')).toMatchObject({ route: { path: '/cars/search' }, params: {} });
  });

  it('matches neither an unknown path nor a known path with another method (API Gateway answers both alike)', () => {
    expect(router.match('GET', '/nope')).toBeUndefined();
    expect(router.match('DELETE', '/cars/1')).toBeUndefined();
  });

  it('does not fall back from a literal resource without the method to a {param} sibling that has it', () => {
    expect(router.match('PUT', '/cars/search')).toBeUndefined();
    expect(router.match('PUT', '/cars/1')).toMatchObject({ route: { path: '/cars/{carId}', method: 'PUT' } });
  });

  it('accepts a trailing slash and matches no deeper path', () => {
    expect(router.match('PUT', '/cars/1/')).toMatchObject({ params: { carId: '1' } });
    expect(router.match('GET', '/cars/1/photos')).toBeUndefined();
  });

  it('refuses badly percent-encoded parameters with a typed error (a 400), instead of throwing URIError', () => {
    expect(() => router.match('GET', '/cars/%ff')).toThrow(BadPathEncoding);
    expect(() => router.match('GET', '/cars/%c0%af')).toThrow(BadPathEncoding);
  });
});
