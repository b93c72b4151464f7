/**
 * A Bruno collection per API version, converted from that version's OpenAPI document by Bruno's own
 * libraries: @usebruno/converters turns the document into Bruno's collection JSON, @usebruno/filestore
 * writes each part in Bruno's on-disk `.bru` format (as `bru import` and the Bruno app do). Written and
 * checked by clients/generate.ts (`npm run client:generate`, `npm run client:check`).
 */
import { join } from 'node:path';
import { openApiToBruno, type BrunoCollection, type BrunoItem, type BrunoRequest } from '@usebruno/converters';
import { stringifyCollection, stringifyEnvironment, stringifyFolder, stringifyRequest } from '@usebruno/filestore';
import { documentOf, type buildOpenApiDocument } from '../../../lambdas/api/openapi';
import { API_VERSIONS, type ApiVersion } from '../../../lambdas/api/routes';

const BRU = { format: 'bru' } as const;
/** The local runtime's default port (bin/local.ts). */
export const LOCAL_ORIGIN = 'http://localhost:3000';
/** The variable the converter puts in the collection's bearer auth (`{{token}}`). */
export const TOKEN_VARIABLE = 'token';

export const collectionDir = (version: ApiVersion) => join(__dirname, '..', version);

type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

/** `{{baseUrl}}/cars/:carId?limit=20` (Bruno's URL) back to `/cars/{carId}` (the OpenAPI path). */
export const openApiPathOf = (url: string) =>
  url
    .replace(/^\{\{baseUrl\}\}/, '')
    .replace(/\?.*$/, '')
    .replace(/:(\w+)/g, '{$1}');

/**
 * Each request's file is named by its operationId (`searchCars.bru`): stable when a summary is reworded, and
 * short (the request's name in Bruno stays the summary, as the converter made it).
 */
const operationIds = (document: OpenApiDocument) => {
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item))
      ids.set(`${method.toUpperCase()} ${path}`, (operation as { operationId: string }).operationId);
  }
  return (request: BrunoRequest) => {
    const id = ids.get(`${request.request.method} ${openApiPathOf(request.request.url)}`);
    if (!id) throw new Error(`No operation for ${request.request.method} ${request.request.url}`);
    return id;
  };
};

const SAFE_NAME = /^[\w-][\w .-]*$/;
const fileName = (name: string) => {
  if (!SAFE_NAME.test(name)) throw new Error(`"${name}" is not a safe file or folder name`);
  return name;
};

/**
 * Two changes to the request the converter makes:
 * - Bruno sends the query string that is in the URL, and the converter lists the query parameters beside a
 *   URL without them (usebruno/bruno issue 1681): the enabled ones join the URL, as Bruno writes them on save.
 * - The converter makes an example of every documented status; each error status gets the same body (the Error
 *   schema with its first code), which tells less than the response's description. The success examples stay.
 */
const asBrunoSaves = (request: BrunoRequest): BrunoRequest => {
  const query = request.request.params.filter((param) => param.type === 'query' && param.enabled);
  const url =
    query.length === 0 ? request.request.url : `${request.request.url}?${query.map(({ name, value }) => `${name}=${value}`).join('&')}`;
  return {
    ...request,
    request: { ...request.request, url },
    examples: request.examples?.filter((example) => example.response.status !== null && example.response.status < 400),
  };
};

/** The local runtime, and the token as a secret: Bruno keeps its value out of the collection's files. */
const localEnvironment = (version: ApiVersion) => ({
  name: 'local',
  variables: [
    { name: 'baseUrl', value: `${LOCAL_ORIGIN}/${version}`, type: 'text', enabled: true, secret: false },
    { name: TOKEN_VARIABLE, value: '', type: 'text', enabled: true, secret: true },
  ],
});

/** One version's collection as Bruno keeps it on disk: path inside the collection's folder → file text. */
export const collectionFiles = (version: ApiVersion): Map<string, string> => {
  const document = documentOf(version);
  const collection: BrunoCollection = openApiToBruno(structuredClone(document));
  const operationIdOf = operationIds(document);
  // Both versions' collections can be open in Bruno at once: the name tells them apart.
  const name = `${collection.name} ${version}`;
  const files = new Map<string, string>([
    ['bruno.json', JSON.stringify({ version: '1', name, type: 'collection', ignore: ['node_modules', '.git'] })],
    ['collection.bru', stringifyCollection({ ...collection.root, meta: { name } }, {}, BRU)],
    // The converter's environment is the document's server, `/v1`: a relative URL Bruno cannot call.
    ['environments/local.bru', stringifyEnvironment(localEnvironment(version), BRU)],
  ]);
  const add = (items: BrunoItem[], dir: string) =>
    items.forEach((item, index) => {
      if (item.type === 'folder') {
        const folder = join(dir, fileName(item.name));
        // A folder's seq keeps the route table's order of areas (Bruno sorts folders without one by name).
        files.set(join(folder, 'folder.bru'), stringifyFolder({ ...item.root, meta: { ...item.root.meta, seq: index + 1 } }, BRU));
        add(item.items, folder);
      } else {
        files.set(join(dir, `${fileName(operationIdOf(item))}.bru`), stringifyRequest(asBrunoSaves(item), BRU));
      }
    });
  add(collection.items, '');
  return files;
};

/** Every version's collection, with absolute paths; each version's folder is the generator's alone. */
export const brunoCollections = () => {
  const files = new Map<string, string>();
  for (const version of API_VERSIONS) {
    for (const [path, text] of collectionFiles(version)) files.set(join(collectionDir(version), path), text);
  }
  return { files, ownedDirs: API_VERSIONS.map(collectionDir) };
};
