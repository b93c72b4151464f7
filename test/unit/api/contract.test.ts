import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareContracts, contractText, formatReport } from '../../../bin/support/openapi-contract';

/**
 * `npm run api:contract` (bin/api-contract.ts) on planted changes: which ones a v1 client would not survive.
 * Small documents keep each comparison fast; one case runs on a copy of the committed v1 document, so the
 * check is known to read the real one (OpenAPI 3.1, nullable unions, shared components).
 */
const COMMITTED = path.resolve(__dirname, '../../../docs/api/openapi.v1.json');

const json = <T extends object>(schema: T) => ({ content: { 'application/json': { schema } } });
const carIdParam = { name: 'carId', in: 'path', required: true, schema: { type: 'string' } };

const v1 = () => ({
  openapi: '3.1.0',
  info: { title: 'Contract test', version: '1.0.0' },
  paths: {
    '/cars/{carId}': {
      get: {
        operationId: 'getCar',
        parameters: [carIdParam],
        responses: {
          '200': { description: 'The car', ...json({ $ref: '#/components/schemas/Car' }) },
          '404': { description: 'No such car' },
        },
      },
      delete: { operationId: 'deleteCar', parameters: [carIdParam], responses: { '204': { description: 'Deleted' } } },
    },
    '/cars': {
      get: {
        operationId: 'searchCars',
        parameters: [{ name: 'type', in: 'query', required: false, schema: { type: 'string', enum: ['SUV', 'VAN'] } }],
        responses: { '200': { description: 'Cars', ...json({ type: 'array', items: { $ref: '#/components/schemas/Car' } }) } },
      },
    },
    '/reservations': {
      post: {
        operationId: 'book',
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            properties: {
              carId: { type: 'string' },
              note: { type: 'string' },
              category: { type: 'string', enum: ['SUV', 'VAN'] },
            },
            required: ['carId'],
            additionalProperties: false,
          }),
        },
        responses: { '202': { description: 'Queued', ...json({ type: 'object', properties: { reservationId: { type: 'string' } } }) } },
      },
    },
  },
  components: {
    schemas: {
      Car: {
        type: 'object',
        properties: {
          carId: { type: 'string' },
          make: { type: 'string' },
          seats: { type: 'integer' },
          plate: { type: ['string', 'null'] },
        },
        required: ['carId', 'make', 'seats'],
      },
    },
  },
});
type Doc = ReturnType<typeof v1>;

const changed = (plant: (doc: Doc) => void) => {
  const doc = v1();
  plant(doc);
  return doc;
};
const rulesBroken = async (plant: (doc: Doc) => void) => (await compareContracts(v1(), changed(plant))).breaking.map((f) => f.rule);

describe('api:contract: breaking changes fail the check', () => {
  it('an operation removed', async () => {
    const { breaking } = await compareContracts(
      v1(),
      changed((d) => delete (d.paths['/cars/{carId}'] as Partial<Doc['paths']['/cars/{carId}']>).delete),
    );
    expect(breaking).toContainEqual(expect.objectContaining({ rule: 'prevent operation removal', where: 'DELETE /cars/{carId}' }));
  });

  it('a response property removed', async () => {
    const { breaking } = await compareContracts(
      v1(),
      changed((d) => {
        const car = d.components.schemas.Car as { properties: Partial<Doc['components']['schemas']['Car']['properties']> };
        delete car.properties.make;
        d.components.schemas.Car.required = ['carId', 'seats'];
      }),
    );
    // Each operation that returns a Car is named.
    expect(breaking.map((f) => [f.rule, f.where.split(' response')[0]])).toEqual(
      expect.arrayContaining([
        ['prevent removing response property', 'GET /cars/{carId}'],
        ['prevent removing response property', 'GET /cars'],
      ]),
    );
    expect(breaking.find((f) => f.where.startsWith('GET /cars/{carId}'))?.message).toMatch(/'make'/);
  });

  it('an optional request body field made required', async () => {
    expect(
      await rulesBroken((d) => d.paths['/reservations'].post.requestBody.content['application/json'].schema.required.push('note')),
    ).toEqual(['prevent changing request property to required']);
  });

  it('a response field retyped', async () => {
    expect(await rulesBroken((d) => Object.assign(d.components.schemas.Car.properties.seats, { type: 'string' }))).toContain(
      'prevent response property type changes',
    );
  });

  it('a new required query parameter, and an optional one made required', async () => {
    expect(
      await rulesBroken((d) => {
        const search = d.paths['/cars'].get;
        search.parameters[0].required = true;
        search.parameters.push({ name: 'location', in: 'query', required: true, schema: { type: 'string', enum: ['LAX'] } });
      }),
    ).toEqual(expect.arrayContaining(['prevent requiring existing query parameters', 'prevent new required query parameters']));
  });

  it('an enum narrowed in a request (query parameter and body)', async () => {
    expect(
      await rulesBroken((d) => {
        d.paths['/cars'].get.parameters[0].schema.enum = ['SUV'];
        d.paths['/reservations'].post.requestBody.content['application/json'].schema.properties.category.enum = ['VAN'];
      }),
    ).toHaveLength(2);
  });

  it('a status code removed', async () => {
    expect(await rulesBroken((d) => delete (d.paths['/cars/{carId}'].get.responses as Record<string, unknown>)['404'])).toEqual([
      'prevent response status code removal',
    ]);
  });
});

describe('api:contract: other changes pass, and are listed', () => {
  it('an optional response property added', async () => {
    const report = await compareContracts(
      v1(),
      changed((d) => Object.assign(d.components.schemas.Car.properties, { colour: { type: 'string' } })),
    );
    expect(report.breaking).toEqual([]);
    expect(report.changes).toContainEqual({
      change: 'added',
      where: 'GET /cars/{carId}: responses.200.content.application/json.schema.properties.colour',
    });
  });

  it('a new route', async () => {
    const report = await compareContracts(
      v1(),
      changed((d) =>
        Object.assign(d.paths, { '/locations': { get: { operationId: 'listLocations', responses: { '200': { description: 'Codes' } } } } }),
      ),
    );
    expect(report.breaking).toEqual([]);
    expect(report.changes).toEqual([{ change: 'added', where: 'GET /locations' }]);
    expect(formatReport(report)).toBe('What changed:\n  + added GET /locations');
  });

  it('an optional request field, a wider enum', async () => {
    const report = await compareContracts(
      v1(),
      changed((d) => {
        const body = d.paths['/reservations'].post.requestBody.content['application/json'].schema;
        Object.assign(body.properties, { pickUpTime: { type: 'string' } });
        d.paths['/cars'].get.parameters[0].schema.enum.push('TRUCK');
      }),
    );
    expect(report.breaking).toEqual([]);
    expect(report.changes.map((c) => c.change)).toEqual(['added', 'added']);
  });
});

describe('api:contract: the committed v1 document', () => {
  const committed = () => JSON.parse(readFileSync(COMMITTED, 'utf8'));

  it('is read as it is: a response field dropped from a copy of it is breaking', async () => {
    const after = committed();
    delete after.components.schemas.UserProfile.properties.phoneNumber;
    const { breaking } = await compareContracts(committed(), after);
    expect(breaking.map((f) => f.where)).toEqual([
      'GET /users/me response 200 response body: application/json property phoneNumber',
      'PUT /users/me response 200 response body: application/json property phoneNumber',
      'GET /users/{userId} response 200 response body: application/json property phoneNumber',
    ]);
  });

  it('is laid out the same whatever the order of the keys it is made from', async () => {
    const doc = committed();
    const reversed = JSON.parse(
      JSON.stringify(doc, (_k, v) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    );
    expect(contractText(reversed)).toBe(readFileSync(COMMITTED, 'utf8'));
  });
});
