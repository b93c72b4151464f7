import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { testRedis } from '../support/redis';
import type Redis from 'ioredis';
import { RedisFleetCache } from '../../lambdas/adapters/fleet/cache';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { DynamoReservationsOfCar } from '../../lambdas/adapters/fleet/reservations-of-car';
import { blockCar, unblockCar } from '../../lambdas/domain/fleet/blocks';
import type { CarSpec } from '../../lambdas/domain/fleet/car';
import { createCar, removeCar, updateCar } from '../../lambdas/domain/fleet/manage-cars';
import { deletePhoto, startPhotoUpload } from '../../lambdas/domain/fleet/photos';
import type { FleetDeps, MediaStore } from '../../lambdas/domain/fleet/ports';
import { carDetails, locationsWithCounts } from '../../lambdas/domain/fleet/queries';
import { searchWithCache, type SearchQuery } from '../../lambdas/domain/fleet/search';
import { AppError } from '../../lambdas/shared/errors';
import { clientConfig } from '../../local/standins/aws';
import { startDynamoDb, type DynamoDbStandIn } from '../../local/standins/dynamodb';
import { createTables } from '../../local/standins/resources';

// The fleet repository, reservations lookup and cache against DynamoDB Local and ioredis-mock, driven
// through the real use cases (only S3 is faked: presigning needs no server, see the e2e test).
let dynamo: DynamoDbStandIn;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let redis: Redis;
let deps: FleetDeps;
const deletedKeys: string[] = [];
const media: MediaStore = {
  uploadUrl: async (key) => ({ url: `http://s3/${key}`, method: 'PUT', headers: {}, expiresAt: new Date().toISOString() }),
  readUrl: async (key) => `http://s3/${key}`,
  delete: async (key) => void deletedKeys.push(key),
};

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const spec = (patch: Partial<CarSpec> = {}): CarSpec => ({
  make: 'Toyota',
  model: 'Corolla',
  year: 2022,
  type: 'SEDAN',
  location: 'SFO',
  pricePerDayMinor: 4999,
  ...patch,
});
const query = (patch: Partial<SearchQuery> = {}): SearchQuery => ({
  location: 'SFO',
  period: { startDate: day(10), endDate: day(13) },
  sort: 'price',
  limit: 20,
  ...patch,
});
const search = (patch: Partial<SearchQuery> = {}) => searchWithCache(deps, query(patch), Date.now());
const reservationItem = (carId: string, status: string, startDate = day(10), endDate = day(12)) => {
  const reservationId = randomUUID();
  return {
    pk: `RES#${reservationId}`,
    sk: 'RES',
    reservationId,
    carId,
    status,
    startDate,
    endDate,
    gsi2pk: `CAR#${carId}`,
    gsi2sk: `${endDate}#${reservationId}`,
  };
};

beforeAll(async () => {
  dynamo = await startDynamoDb();
  raw = new DynamoDBClient(clientConfig(dynamo.endpoint));
  await createTables(raw);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  redis = testRedis();
  deps = {
    cars: new DynamoCarRepository(db, 'cars'),
    reservations: new DynamoReservationsOfCar(db, 'reservations'),
    media,
    cache: new RedisFleetCache(async () => redis),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}, 60_000);

afterAll(async () => {
  await redis?.quit();
  raw?.destroy();
  await dynamo?.stop();
});

describe('fleet repository against DynamoDB Local', () => {
  it('creates a car, counts it at its location and finds it in search', async () => {
    const before = (await locationsWithCounts(deps)).find((l) => l.code === 'LAX')!.activeCars;
    const carId = await createCar(deps, spec({ location: 'LAX', features: ['GPS'] }));
    const { car, photos } = await carDetails(deps, carId);
    expect(car).toMatchObject({ carId, status: 'active', pricePerDayMinor: 4999, features: ['GPS'], blocks: [] });
    expect(photos).toEqual([]);
    expect((await locationsWithCounts(deps)).find((l) => l.code === 'LAX')!.activeCars).toBe(before + 1);
    expect((await search({ location: 'LAX' })).cars.map((c) => c.carId)).toContain(carId);
  });

  it('pages through every car of a location in price order across shards and types, without repeats', async () => {
    const types = ['SEDAN', 'SUV', 'VAN'] as const;
    const ids = await Promise.all(
      Array.from({ length: 23 }, (_, i) => createCar(deps, spec({ location: 'DEN', type: types[i % 3], pricePerDayMinor: 1000 + (i % 7) * 100 }))),
    );
    for (const sort of ['price', '-price'] as const) {
      const seen: Array<{ carId: string; pricePerDayMinor: number }> = [];
      let cursor: string | undefined;
      do {
        const page = await search({ location: 'DEN', limit: 5, sort, cursor });
        seen.push(...page.cars);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((c) => c.carId).sort()).toEqual([...ids].sort());
      const prices = seen.map((c) => c.pricePerDayMinor);
      expect(prices).toEqual([...prices].sort((a, b) => (sort === 'price' ? a - b : b - a)));
    }
  });

  it('filters by type and price range with key conditions', async () => {
    const cheap = await createCar(deps, spec({ location: 'BOS', type: 'SUV', pricePerDayMinor: 3000 }));
    const mid = await createCar(deps, spec({ location: 'BOS', type: 'SUV', pricePerDayMinor: 6000 }));
    await createCar(deps, spec({ location: 'BOS', type: 'SEDAN', pricePerDayMinor: 6000 }));
    const suvs = await search({ location: 'BOS', type: 'SUV' });
    expect(suvs.cars.map((c) => c.carId)).toEqual([cheap, mid]);
    const ranged = await search({ location: 'BOS', type: 'SUV', minPriceMinor: 5000, maxPriceMinor: 6000 });
    expect(ranged.cars.map((c) => c.carId)).toEqual([mid]);
  });

  it('refuses a cursor made for another search', async () => {
    await Promise.all(Array.from({ length: 3 }, () => createCar(deps, spec({ location: 'SEA' }))));
    const page = await search({ location: 'SEA', limit: 1 });
    await expect(search({ location: 'SEA', limit: 1, type: 'SUV', cursor: page.nextCursor })).rejects.toMatchObject({ kind: 'VALIDATION' });
    await expect(search({ location: 'SEA', cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(AppError);
  });
});

describe('availability and cache invalidation', () => {
  it('a search after a block never shows the car for those days, even with a warm cache', async () => {
    const carId = await createCar(deps, spec({ location: 'MIA' }));
    const first = await search({ location: 'MIA' });
    expect(first.cars.map((c) => c.carId)).toContain(carId);
    expect((await search({ location: 'MIA' })).cached).toBe(true);

    await blockCar(deps, carId, { from: day(11), to: day(12), kind: 'booking', reservationId: 'r-1' });
    const after = await search({ location: 'MIA' });
    expect(after.cached).toBe(false);
    expect(after.cars.map((c) => c.carId)).not.toContain(carId);
    // Other days are still free.
    expect((await search({ location: 'MIA', period: { startDate: day(12), endDate: day(14) } })).cars.map((c) => c.carId)).toContain(carId);

    await unblockCar(deps, carId, 'r-1', new Date());
    expect((await search({ location: 'MIA' })).cars.map((c) => c.carId)).toContain(carId);
  });

  it('a lapsed hold does not block; a live one does', async () => {
    const carId = await createCar(deps, spec({ location: 'ATL' }));
    await blockCar(deps, carId, { from: day(10), to: day(11), kind: 'hold', reservationId: 'h-old', holdExpiresAt: Date.now() - 1000 });
    expect((await search({ location: 'ATL' })).cars.map((c) => c.carId)).toContain(carId);
    await blockCar(deps, carId, { from: day(12), to: day(13), kind: 'hold', reservationId: 'h-new', holdExpiresAt: Date.now() + 300_000 });
    expect((await search({ location: 'ATL' })).cars.map((c) => c.carId)).not.toContain(carId);
  });

  it('answers from DynamoDB when Redis is down', async () => {
    const carId = await createCar(deps, spec({ location: 'PHX' }));
    const down = new RedisFleetCache(async () => Promise.reject(new Error('ECONNREFUSED')));
    const page = await searchWithCache({ cars: deps.cars, cache: down }, query({ location: 'PHX' }), Date.now());
    expect(page).toMatchObject({ cached: false });
    expect(page.cars.map((c) => c.carId)).toEqual([carId]);
    await expect(blockCar({ cars: deps.cars, cache: down }, carId, { from: day(1), to: day(2), kind: 'maintenance' })).resolves.toBe(true);
  });
});

describe('moves and removals', () => {
  it('refuses to move or remove a car with an upcoming reservation, listing it; allows it once cancelled', async () => {
    const carId = await createCar(deps, spec({ location: 'ORD' }));
    const reservation = reservationItem(carId, 'Confirmed');
    await db.send(new PutCommand({ TableName: 'reservations', Item: reservation }));
    // A past reservation never blocks.
    await db.send(new PutCommand({ TableName: 'reservations', Item: reservationItem(carId, 'Confirmed', day(-5), day(-2)) }));

    const move = updateCar(deps, carId, spec({ location: 'JFK' }));
    await expect(move).rejects.toMatchObject({ kind: 'CONFLICT', details: { reservations: [{ reservationId: reservation.reservationId, status: 'Confirmed' }] } });
    await expect(removeCar(deps, carId)).rejects.toMatchObject({ kind: 'CONFLICT' });
    // Changing the price in place is fine.
    await updateCar(deps, carId, spec({ location: 'ORD', pricePerDayMinor: 5500 }));

    await db.send(new PutCommand({ TableName: 'reservations', Item: { ...reservation, status: 'Cancelled' } }));
    const counts = async () => Object.fromEntries((await locationsWithCounts(deps)).map((l) => [l.code, l.activeCars]));
    const before = await counts();
    await updateCar(deps, carId, spec({ location: 'JFK' }));
    const moved = await counts();
    expect([moved.ORD, moved.JFK]).toEqual([before.ORD - 1, before.JFK + 1]);
    expect((await search({ location: 'JFK' })).cars.map((c) => c.carId)).toContain(carId);
    expect((await search({ location: 'ORD' })).cars.map((c) => c.carId)).not.toContain(carId);

    await removeCar(deps, carId);
    expect((await counts()).JFK).toBe(before.JFK);
    expect((await search({ location: 'JFK' })).cars.map((c) => c.carId)).not.toContain(carId);
    await expect(carDetails(deps, carId)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    // The item (its history) stays, marked removed.
    expect(await deps.cars.get(carId)).toMatchObject({ status: 'removed', location: 'JFK' });
    await expect(removeCar(deps, carId)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});

describe('photos', () => {
  it('keeps the cover pointing at an existing photo', async () => {
    const carId = await createCar(deps, spec({ location: 'LAS' }));
    const first = await startPhotoUpload(deps, carId, 'image/jpeg', 1000);
    const second = await startPhotoUpload(deps, carId, 'image/png', 1000);
    let details = await deps.cars.getWithPhotos(carId);
    expect(details!.photos.map((p) => p.photoId)).toEqual([first.photoId, second.photoId]);
    expect(details!.car.coverPhotoKey).toBe(`cars/${carId}/${first.photoId}.jpg`);

    await deletePhoto(deps, carId, first.photoId);
    details = await deps.cars.getWithPhotos(carId);
    expect(details!.car.coverPhotoKey).toBe(`cars/${carId}/${second.photoId}.png`);
    expect(deletedKeys).toContain(`cars/${carId}/${first.photoId}.jpg`);
    await deletePhoto(deps, carId, second.photoId);
    expect((await deps.cars.get(carId))!.coverPhotoKey).toBeUndefined();
    await expect(deletePhoto(deps, carId, second.photoId)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
