import { basename, dirname } from 'node:path';
import { parseEnvironment, parseRequest } from '@usebruno/filestore';
import { collectionFiles, LOCAL_ORIGIN, openApiPathOf, TOKEN_VARIABLE } from '../../../clients/bruno/scripts/collection';
import { API_VERSIONS, routesOf } from '../../../lambdas/api/routes';

/**
 * The Bruno collections (clients/bruno) are converted from each version's OpenAPI document by a third-party
 * converter: read back with Bruno's own parser, each has one request per route of its version, no more and no
 * fewer, and an environment for the local runtime. (That the checked-in files are these is `npm run client:check`.)
 */
describe.each(API_VERSIONS)('the Bruno collection of %s', (version) => {
  const files = collectionFiles(version);
  const requests = [...files]
    .filter(
      ([path]) => path.endsWith('.bru') && dirname(path) !== '.' && dirname(path) !== 'environments' && basename(path) !== 'folder.bru',
    )
    .map(([path, text]) => ({ path, ...(parseRequest(text, { format: 'bru' }) as { request: { method: string; url: string } }) }));
  const routes = routesOf(version);

  it('has a request for every route and none other (method and path)', () => {
    const sent = requests.map(({ request }) => `${request.method} ${openApiPathOf(request.url)}`);
    expect(sent.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it("files each request by its operationId in its tag's folder", () => {
    expect(requests.map(({ path }) => path).sort()).toEqual(routes.map((route) => `${route.tag}/${route.operationId}.bru`).sort());
  });

  it('sends every request to {{baseUrl}}, with the bearer token the environment holds as a secret', () => {
    expect(requests.filter(({ request }) => !request.url.startsWith('{{baseUrl}}/'))).toEqual([]);
    expect(files.get('collection.bru')).toContain(`token: {{${TOKEN_VARIABLE}}}`);
    const environment = parseEnvironment(files.get('environments/local.bru')!, { format: 'bru' }) as {
      variables: { name: string; value: string; secret: boolean }[];
    };
    expect(environment.variables).toEqual([
      expect.objectContaining({ name: 'baseUrl', value: `${LOCAL_ORIGIN}/${version}`, secret: false }),
      expect.objectContaining({ name: TOKEN_VARIABLE, value: '', secret: true }),
    ]);
  });
});
