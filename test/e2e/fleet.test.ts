import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { toReservationItem } from '../../lambdas/adapters/bookings/reservation-item';
import { clientConfig } from '../../local/standins/aws';
import { apiUrl, request } from '../support/local-runtime';
import { adminToken, bearer, customerToken, runtimeDescription } from '../support/tokens';

const api = apiUrl();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const car = {
  make: 'Tesla',
  model: 'Model 3',
  year: 2024,
  type: 'ELECTRIC',
  location: 'SJC',
  rentalPricePerDay: 89.5,
  seats: 5,
  features: ['Autopilot'],
};

const send = async (method: string, path: string, body?: unknown, token?: string) =>
  request(`${api}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? bearer(token) : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const search = (params: Record<string, string>) =>
  request(`${api}/cars?${new URLSearchParams({ location: 'SJC', startDate: day(5), endDate: day(8), ...params })}`);

let admin: string;
let db: DynamoDBDocumentClient;
let tables: { cars: string; reservations: string };

beforeAll(async () => {
  admin = await adminToken();
  const { env } = await runtimeDescription();
  db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(env.AWS_ENDPOINT_URL_DYNAMODB)));
  tables = { cars: env.CARS_TABLE, reservations: env.RESERVATIONS_TABLE };
});
afterAll(() => db?.destroy());

const createCar = async (patch: Record<string, unknown> = {}) => {
  const res = await send('POST', '/cars', { ...car, ...patch }, admin);
  expect(res.status).toBe(201);
  return res.body.carId as string;
};

describe('fleet: admin routes', () => {
  it('creates, reads, updates and removes a car', async () => {
    const created = await send('POST', '/cars', car, admin);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ carId: expect.any(String), message: 'Car added successfully' });
    const { carId } = created.body;

    const read = await request(`${api}/cars/${carId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ carId, ...car, photoUrl: null, photos: [], rating: { average: null, count: 0 } });

    const updated = await send('PUT', `/cars/${carId}`, { ...car, rentalPricePerDay: 99.99 }, admin);
    expect(updated.status).toBe(200);
    expect(updated.body.message).toBe('Car updated successfully');
    expect((await request(`${api}/cars/${carId}`)).body.rentalPricePerDay).toBe(99.99);

    const removed = await send('DELETE', `/cars/${carId}`, undefined, admin);
    expect(removed.status).toBe(200);
    expect((await request(`${api}/cars/${carId}`)).status).toBe(404);
    expect((await search({})).body.cars.map((c: { carId: string }) => c.carId)).not.toContain(carId);
  });

  it('answers 404 for an unknown car on update, delete and photos', async () => {
    const unknown = randomUUID();
    expect((await send('PUT', `/cars/${unknown}`, car, admin)).status).toBe(404);
    expect((await send('DELETE', `/cars/${unknown}`, undefined, admin)).status).toBe(404);
    expect((await send('POST', `/cars/${unknown}/photos`, { contentType: 'image/png', contentLength: 10 }, admin)).status).toBe(404);
    expect((await request(`${api}/cars/${unknown}`)).status).toBe(404);
  });

  it('refuses invalid cars naming each field, and lists the allowed types', async () => {
    const res = await send(
      'POST',
      '/cars',
      { ...car, type: 'HOVERCRAFT', year: 1985, rentalPricePerDay: 10.001, location: 'XXX', color: 'red' },
      admin,
    );
    expect(res.status).toBe(400);
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.type', 'body.year', 'body.rentalPricePerDay', 'body.location']));
    expect(JSON.stringify(res.body)).toContain('SEDAN');
    expect(JSON.stringify(res.body)).toContain('color');
  });

  it('refuses customers (403) and anonymous callers (401) on every admin route', async () => {
    const customer = await customerToken();
    const carId = await createCar();
    const calls: Array<[string, string, unknown?]> = [
      ['POST', '/cars', car],
      ['PUT', `/cars/${carId}`, car],
      ['DELETE', `/cars/${carId}`],
      ['POST', `/cars/${carId}/photos`, { contentType: 'image/jpeg', contentLength: 10 }],
      ['DELETE', `/cars/${carId}/photos/${randomUUID()}`],
    ];
    for (const [method, path, body] of calls) {
      expect((await send(method, path, body, customer)).status).toBe(403);
      expect((await send(method, path, body)).status).toBe(401);
    }
  });

  it('refuses to move or remove a car with an upcoming reservation, listing it (409)', async () => {
    const carId = await createCar();
    const reservationId = randomUUID();
    const at = new Date().toISOString();
    // Written in the bookings adapter's item format (through its one owner), as a paid booking is.
    await db.send(
      new PutCommand({
        TableName: tables.reservations,
        Item: toReservationItem({
          reservationId,
          userId: randomUUID(),
          carId,
          startDate: day(3),
          endDate: day(6),
          status: 'Confirmed',
          price: { currency: 'USD', dailyMinor: 8950, days: 3, totalMinor: 26_850 },
          car: { make: car.make, model: car.model, year: car.year, type: car.type, location: 'SJC' },
          createdAt: at,
          updatedAt: at,
        }),
      }),
    );
    const move = await send('PUT', `/cars/${carId}`, { ...car, location: 'SFO' }, admin);
    expect(move.status).toBe(409);
    expect(move.body.error.details.reservations).toEqual([expect.objectContaining({ reservationId, startDate: day(3), endDate: day(6) })]);
    expect((await send('DELETE', `/cars/${carId}`, undefined, admin)).status).toBe(409);
  });
});

describe('fleet: photos', () => {
  it('uploads a photo through the presigned URL, shows it on the car, and deletes it', async () => {
    const carId = await createCar();
    const bytes = Buffer.from('\xff\xd8\xff fake jpeg bytes', 'latin1');
    const started = await send('POST', `/cars/${carId}/photos`, { contentType: 'image/jpeg', contentLength: bytes.length }, admin);
    expect(started.status).toBe(201);
    const { photoId, upload } = started.body;
    // Not uploaded yet: neither listed nor the cover (its URL would be a 404).
    const before = (await request(`${api}/cars/${carId}`)).body;
    expect(before.photos).toEqual([]);
    expect(before.photoUrl).toBeNull();
    const put = await fetch(upload.url, { method: upload.method, headers: { 'content-type': 'image/jpeg' }, body: bytes });
    expect(put.status).toBe(200);

    const details = (await request(`${api}/cars/${carId}`)).body;
    // The photo CDN's shape (`<photos URL>/<key>`, the S3 stand-in's bucket locally): no signature, no
    // expiry, the same URL on every read, so browsers and the CDN can cache it.
    const cdnUrl = expect.stringMatching(new RegExp(`^https?://[^?#]+/cars/${carId}/${photoId}\\.jpg$`));
    expect(details.photos).toEqual([{ photoId, url: cdnUrl, contentType: 'image/jpeg' }]);
    const fetched = await fetch(details.photos[0].url);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bytes);
    expect(details.photoUrl).toBe(details.photos[0].url);
    expect((await request(`${api}/cars/${carId}`)).body.photos[0].url).toBe(details.photos[0].url);

    expect((await send('DELETE', `/cars/${carId}/photos/${photoId}`, undefined, admin)).status).toBe(204);
    expect((await request(`${api}/cars/${carId}`)).body.photos).toEqual([]);
    expect((await send('DELETE', `/cars/${carId}/photos/${photoId}`, undefined, admin)).status).toBe(404);
  });

  it('refuses other content types and oversized photos', async () => {
    const carId = await createCar();
    const gif = await send('POST', `/cars/${carId}/photos`, { contentType: 'image/gif', contentLength: 10 }, admin);
    expect(gif.status).toBe(400);
    const huge = await send('POST', `/cars/${carId}/photos`, { contentType: 'image/png', contentLength: 50 * 1024 * 1024 }, admin);
    expect(huge.status).toBe(400);
    expect(huge.body.error.details.fields[0].field).toBe('body.contentLength');
  });
});

describe('fleet: public reads and search', () => {
  it('lists the branches (locations with cars) with their active-car counts, not every code', async () => {
    await createCar({ location: 'BZN' });
    const res = await request(`${api}/locations`);
    expect(res.status).toBe(200);
    // Was: all 100 codes, most of them without a car.
    expect(res.body.locations.length).toBeLessThan(100);
    expect(res.body.locations.every((l: { activeCars: number }) => l.activeCars >= 1)).toBe(true);
    expect(res.body.locations.find((l: { code: string }) => l.code === 'BZN').activeCars).toBeGreaterThanOrEqual(1);
  });

  it('searches by type and price, pages with a cursor, and never shows a blocked car', async () => {
    const ids = await Promise.all([40, 50, 60].map((price) => createCar({ location: 'FAT', type: 'VAN', rentalPricePerDay: price })));
    const params = { location: 'FAT', type: 'VAN', limit: '2' };
    const first = await search(params);
    expect(first.status).toBe(200);
    expect(first.body.cars.map((c: { rentalPricePerDay: number }) => c.rentalPricePerDay)).toEqual([40, 50]);
    const second = await search({ ...params, cursor: first.body.nextCursor });
    expect(second.body.cars.map((c: { carId: string }) => c.carId)).toEqual([ids[2]]);
    expect(second.body.nextCursor).toBeNull();
    expect(
      (await search({ location: 'FAT', type: 'VAN', minPrice: '45', maxPrice: '55' })).body.cars.map((c: { carId: string }) => c.carId),
    ).toEqual([ids[1]]);

    // A maintenance block goes through the same kind of transaction as a booking (day locks and the
    // car's block, then the location's cached searches dropped): the next search no longer shows it.
    const blocked = await send('POST', `/cars/${ids[0]}/blocks`, { startDate: day(6), endDate: day(7), reason: 'tyres' }, admin);
    expect(blocked.status).toBe(201);
    const after = await search({ location: 'FAT', type: 'VAN' });
    expect(after.body.cars.map((c: { carId: string }) => c.carId)).toEqual([ids[1], ids[2]]);
    // Its end day is free again.
    expect((await search({ location: 'FAT', type: 'VAN', startDate: day(7), endDate: day(9) })).body.cars).toHaveLength(3);
    // Back in service: shown again.
    expect((await send('DELETE', `/cars/${ids[0]}/blocks/${blocked.body.blockId}`, undefined, admin)).status).toBe(204);
    expect((await search({ location: 'FAT', type: 'VAN' })).body.cars).toHaveLength(3);
  });

  it('answers an empty list when nothing matches', async () => {
    const res = await search({ location: 'PSP', type: 'CONVERTIBLE', maxPrice: '1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cars: [], nextCursor: null });
  });

  it.each([
    ['a reversed range', { startDate: day(5), endDate: day(3) }, 'query.endDate'],
    ['a start in the past', { startDate: day(-2), endDate: day(3) }, 'query.startDate'],
    ['a period over 30 days', { startDate: day(1), endDate: day(40) }, 'query.endDate'],
    ['an unknown type', { type: 'BOAT' }, 'query.type'],
    ['an unknown location', { location: 'NOPE' }, 'query.location'],
    ['a malformed cursor', { cursor: 'garbage' }, 'query.cursor'],
  ])('refuses %s with 400', async (_name, params, field) => {
    const res = await search(params);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });
});
