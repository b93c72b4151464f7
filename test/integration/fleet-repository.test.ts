import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { testRedis } from '../support/redis';
import type Redis from 'ioredis';
import { RedisFleetCache } from '../../lambdas/adapters/fleet/cache';
import { fromReservationItem, toReservationItem } from '../../lambdas/adapters/bookings/reservation-item';
import { DynamoCarRepository, type BlockChange } from '../../lambdas/adapters/fleet/car-repository';
import { DynamoReservationsOfCar } from '../../lambdas/adapters/bookings/reservations-of-car';
import type { Reservation, ReservationStatus } from '../../lambdas/domain/bookings/reservation';
import type { Block } from '../../lambdas/domain/fleet/availability';
import type { LocationCode } from '../../lambdas/domain/fleet/catalog';
import type { CarSpec } from '../../lambdas/domain/fleet/car';
import { dayInterval } from '../../lambdas/domain/fleet/interval';
import type { Period } from '../../lambdas/domain/fleet/period';
import { createCar, removeCar, updateCar } from '../../lambdas/domain/fleet/manage-cars';
import { deletePhoto, startPhotoUpload } from '../../lambdas/domain/fleet/photos';
import { MAX_PHOTOS_PER_CAR } from '../../lambdas/domain/fleet/catalog';
import type { FleetDeps, MediaStore } from '../../lambdas/domain/fleet/ports';
import { branches, carDetails, locationsWithCounts } from '../../lambdas/domain/fleet/queries';
import { searchWithCache, type SearchQuery } from '../../lambdas/domain/fleet/search';
import { toErrorResponse } from '../../lambdas/http/error-response';
import { systemClock } from '../../lambdas/shared/clock';
import { AppError } from '../../lambdas/shared/errors';
import { testTables, type TestTables } from '../support/aws-services';

// The fleet repository, reservations lookup and cache against DynamoDB Local and ioredis-mock, driven
// through the real use cases (only S3 is faked: presigning needs no server, see the e2e test).
let aws: TestTables;
let db: DynamoDBDocumentClient;
let redis: Redis;
let deps: FleetDeps;
let cars: DynamoCarRepository;
const deletedKeys: string[] = [];
/** The objects in the (fake) bucket: a photo's key is added here when its upload is done. */
const objects = new Set<string>();
const media: MediaStore = {
  uploadUrl: async (key) => ({ url: `http://s3/${key}`, method: 'PUT', headers: {}, expiresAt: new Date().toISOString() }),
  exists: async (key) => objects.has(key),
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
/** A search for v1 days (`period`), as the v1 handler makes it. */
type QueryPatch = Partial<SearchQuery> & { period?: Period };
const query = ({ period = { startDate: day(10), endDate: day(13) }, ...patch }: QueryPatch = {}): SearchQuery => ({
  location: 'SFO',
  window: dayInterval(period),
  sort: 'price',
  limit: 20,
  ...patch,
});
const search = (patch: QueryPatch = {}) => searchWithCache(deps, query(patch), Date.now());
/** A reservation as the bookings adapter stores it, written through the one owner of its item format. */
const reservation = (
  carId: string,
  status: ReservationStatus,
  startDate = day(10),
  endDate = day(12),
  patch: Partial<Reservation> = {},
): Reservation => {
  const at = new Date().toISOString();
  return {
    reservationId: randomUUID(),
    userId: 'user-1',
    carId,
    startDate,
    endDate,
    status,
    price: { currency: 'USD', dailyMinor: 4999, days: 2, totalMinor: 9998 },
    car: { make: 'Toyota', model: 'Corolla', year: 2022, type: 'SEDAN', location: 'ORD' },
    createdAt: at,
    updatedAt: at,
    ...patch,
  };
};
const putReservation = (r: Reservation) => db.send(new PutCommand({ TableName: aws.names.reservations, Item: toReservationItem(r) }));

/**
 * Changes a car's blocks as the booking transactions do: the fleet adapter's clause inside a
 * TransactWriteItems (here alone), then the caller's cache invalidation.
 */
const changeBlocks = async (carId: string, change: Omit<BlockChange, 'now'> & { now?: Date }, location?: LocationCode) => {
  await db.send(new TransactWriteCommand({ TransactItems: [cars.blockClause(carId, { now: new Date(), ...change })] }));
  if (location) await deps.cache.calendarChanged(location, carId);
};
/** Blocks written as stored items, as an older release wrote them (the repository only writes the short form). */
const writeStoredBlocks = async (carId: string, blocks: Record<string, unknown>) => {
  const ids = Object.keys(blocks);
  await db.send(
    new UpdateCommand({
      TableName: aws.names.cars,
      Key: { pk: `CAR#${carId}`, sk: 'CAR' },
      UpdateExpression: `SET ${ids.map((_, i) => `blocks.#b${i} = :b${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(ids.map((id, i) => [`#b${i}`, id])),
      ExpressionAttributeValues: Object.fromEntries(ids.map((id, i) => [`:b${i}`, blocks[id]])),
    }),
  );
};
/** A TransactWriteItems refused by a condition. */
const cancelled = { name: 'TransactionCanceledException' };
const rawCarItem = async (carId: string) =>
  (await db.send(new GetCommand({ TableName: aws.names.cars, Key: { pk: `CAR#${carId}`, sk: 'CAR' }, ConsistentRead: true }))).Item!;
const days = (from: string, to: string) => ({ from, to, ...dayInterval({ startDate: from, endDate: to }) });
const confirmed = (id: string, from: string, to: string): Block => ({ id, kind: 'reservation', status: 'Confirmed', ...days(from, to) });
const pending = (id: string, from: string, to: string, holdExpiresAt: number): Block => ({
  id,
  kind: 'reservation',
  status: 'Pending',
  ...days(from, to),
  holdExpiresAt,
});
const maintenance = (id: string, from: string, to: string): Block => ({ id, kind: 'maintenance', reason: 'service', ...days(from, to) });
const sortById = (blocks: readonly Block[]) => [...blocks].sort((a, b) => a.id.localeCompare(b.id));
const idsIn = async (patch: QueryPatch) => (await search(patch)).cars.map((c) => c.carId);
const countsByLocation = async () => Object.fromEntries((await locationsWithCounts(deps)).map((l) => [l.code, l.activeCars]));

beforeAll(async () => {
  aws = await testTables();
  ({ db } = aws);
  redis = testRedis();
  cars = new DynamoCarRepository(db, aws.names.cars);
  deps = {
    cars,
    reservations: new DynamoReservationsOfCar(db, aws.names.reservations),
    media,
    cache: new RedisFleetCache(async () => redis),
    clock: systemClock,
    newId: () => randomUUID(),
  };
}, 60_000);

afterAll(async () => {
  await redis?.quit();
  await aws?.drop();
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

  it('GET /v1/locations lists the branches: a code is listed while it has an active car, and only then', async () => {
    const listed = async () => (await branches(deps)).map((l) => l.code);
    expect(await listed()).not.toContain('BZN');
    const carId = await createCar(deps, spec({ location: 'BZN' }));
    expect(await branches(deps)).toContainEqual({ code: 'BZN', activeCars: 1 });
    expect((await branches(deps)).every((l) => l.activeCars > 0)).toBe(true);
    await removeCar(deps, carId);
    expect(await listed()).not.toContain('BZN');
  });

  it('car details read before a change and stored after its invalidation are never served (cache re-fill race)', async () => {
    const carId = await createCar(deps, spec({ location: 'LAX' }));
    // A reader misses and reads DynamoDB; meanwhile a change (the rating aggregator, say) lands and
    // invalidates; then the reader stores what it read, which is already old.
    const { details, generation } = await deps.cache.lookupCar(carId);
    expect(details).toBeUndefined();
    const old = (await cars.getWithPhotos(carId))!;
    await deps.cache.invalidateCar(carId);
    await deps.cache.storeCar(carId, generation, old);
    expect((await deps.cache.lookupCar(carId)).details).toBeUndefined();
    // The next read stores under the new generation, and is served from the cache.
    await carDetails(deps, carId);
    expect((await deps.cache.lookupCar(carId)).details?.car.carId).toBe(carId);
  });

  it('pages through every car of a location in price order across shards and types, without repeats', async () => {
    const types = ['SEDAN', 'SUV', 'VAN'] as const;
    const ids = await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        createCar(deps, spec({ location: 'DEN', type: types[i % 3], pricePerDayMinor: 1000 + (i % 7) * 100 })),
      ),
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

describe('blocks: the map the booking transactions change through blockClause', () => {
  it('a car starts with an empty map at version 0, so the first clause can SET blocks.<id>', async () => {
    const carId = await createCar(deps, spec({ location: 'SAN' }));
    expect(await rawCarItem(carId)).toMatchObject({ blocks: {}, blocksVersion: 0 });
    expect(await cars.get(carId)).toMatchObject({ blocks: [], blocksVersion: 0 });
    await changeBlocks(carId, { set: confirmed('r-1', day(3), day(5)) });
    // Stored keyed by id (the id is the key, not a field), in the short form; read back as a list with ids.
    const item = await rawCarItem(carId);
    const { fromMs, readyMs } = days(day(3), day(5));
    expect(item.blocks).toEqual({ 'r-1': { k: 'R', s: 'C', f: fromMs, r: readyMs, d: `${day(3)}/${day(5)}` } });
    expect(item.blocksVersion).toBe(1);
    expect((await cars.get(carId))!.blocks).toEqual([confirmed('r-1', day(3), day(5))]);
  });

  it('every block is stored short (under 70% of the long form) and reads back the same; blocks stored long still read', async () => {
    const carId = await createCar(deps, spec({ location: 'SAN' }));
    const hold: Block = {
      id: 'h-1',
      kind: 'reservation',
      status: 'Pending',
      fromMs: Date.now() + 3_600_000,
      readyMs: Date.now() + 7_200_000,
      holdExpiresAt: Date.now() + 300_000,
    };
    const blocks = [hold, confirmed('r-2', day(6), day(8)), maintenance('m-3', day(9), day(10))];
    for (const block of blocks) await changeBlocks(carId, { set: block });
    const stored = (await rawCarItem(carId)).blocks as Record<string, unknown>;
    for (const block of blocks) {
      const { id, ...long } = block;
      expect(JSON.stringify(stored[id]).length).toBeLessThan(JSON.stringify(long).length * 0.7);
    }
    expect(sortById((await cars.get(carId))!.blocks)).toEqual(sortById(blocks));

    // Written before the short form (and, for the v1 one, before times): read as they always were.
    const longV1 = { kind: 'reservation', status: 'Confirmed', from: day(12), to: day(14) };
    const longTimed = { kind: 'maintenance', reason: 'service', ...days(day(15), day(16)) };
    await writeStoredBlocks(carId, { 'old-1': longV1, 'old-2': longTimed });
    const read = (await cars.get(carId))!.blocks;
    expect(read.find((b) => b.id === 'old-1')).toEqual(confirmed('old-1', day(12), day(14)));
    expect(read.find((b) => b.id === 'old-2')).toEqual(maintenance('old-2', day(15), day(16)));
  });

  it('a search after a block never shows the car for those days, even with a warm cache', async () => {
    const carId = await createCar(deps, spec({ location: 'MIA' }));
    expect(await idsIn({ location: 'MIA' })).toContain(carId);
    expect((await search({ location: 'MIA' })).cached).toBe(true);

    await changeBlocks(carId, { set: confirmed('r-1', day(11), day(12)) }, 'MIA');
    const after = await search({ location: 'MIA' });
    expect(after.cached).toBe(false);
    expect(after.cars.map((c) => c.carId)).not.toContain(carId);
    // The return day and the days before are still free.
    expect(await idsIn({ location: 'MIA', period: { startDate: day(12), endDate: day(14) } })).toContain(carId);
    expect(await idsIn({ location: 'MIA', period: { startDate: day(8), endDate: day(11) } })).toContain(carId);

    // A maintenance block hides it too.
    await changeBlocks(carId, { set: maintenance('m-1', day(12), day(13)) }, 'MIA');
    expect(await idsIn({ location: 'MIA', period: { startDate: day(12), endDate: day(14) } })).not.toContain(carId);

    await changeBlocks(carId, { remove: 'r-1' }, 'MIA');
    await changeBlocks(carId, { remove: 'm-1' }, 'MIA');
    expect(await idsIn({ location: 'MIA' })).toContain(carId);
    expect(await idsIn({ location: 'MIA', period: { startDate: day(12), endDate: day(14) } })).toContain(carId);
    expect(await rawCarItem(carId)).toMatchObject({ blocks: {}, blocksVersion: 4 });
  });

  it('a lapsed hold does not block; a live one does until it lapses; a Confirmed one does', async () => {
    const carId = await createCar(deps, spec({ location: 'ATL' }));
    await changeBlocks(carId, { set: pending('h-old', day(10), day(11), Date.now() - 1000) }, 'ATL');
    expect(await idsIn({ location: 'ATL' })).toContain(carId);
    await changeBlocks(carId, { set: pending('h-new', day(12), day(13), Date.now() + 300_000) }, 'ATL');
    expect(await idsIn({ location: 'ATL' })).not.toContain(carId);
    // The same hold, read after it lapsed, no longer blocks (no sweep needed).
    const later = await searchWithCache(
      { cars, cache: deps.cache },
      query({ location: 'ATL', period: { startDate: day(12), endDate: day(13) } }),
      Date.now() + 600_000,
    );
    expect(later.cars.map((c) => c.carId)).toContain(carId);
    // Paid in time: Confirmed blocks for good.
    await changeBlocks(carId, { set: confirmed('h-old', day(10), day(11)) }, 'ATL');
    await changeBlocks(carId, { remove: 'h-new' }, 'ATL');
    expect(await idsIn({ location: 'ATL', period: { startDate: day(10), endDate: day(11) } })).not.toContain(carId);
    expect(await idsIn({ location: 'ATL', period: { startDate: day(11), endDate: day(13) } })).toContain(carId);
  });

  it('ended blocks (ended before today, lapsed holds) are pruned by the next write that read the car; the others stay', async () => {
    const carId = await createCar(deps, spec({ location: 'AUS' }));
    const blocks = [
      confirmed('past', day(-5), day(-2)),
      maintenance('ends-today', day(-1), day(0)), // the return day is today: it no longer holds the car
      pending('lapsed', day(4), day(6), Date.now() - 60_000),
      pending('live', day(7), day(8), Date.now() + 300_000),
      confirmed('current', day(-1), day(2)),
      maintenance('later', day(20), day(22)),
    ];
    for (const block of blocks) await changeBlocks(carId, { set: block });
    expect(Object.keys((await rawCarItem(carId)).blocks).sort()).toEqual(['current', 'ends-today', 'lapsed', 'later', 'live', 'past']);

    // Without the car as read, a write prunes nothing.
    await changeBlocks(carId, { set: confirmed('other', day(30), day(31)) });
    expect(Object.keys((await rawCarItem(carId)).blocks)).toHaveLength(7);

    // The next write that read the car drops what has ended, in the same clause.
    const seen = (await cars.get(carId))!;
    await changeBlocks(carId, { set: confirmed('next', day(40), day(41)), unchangedSince: seen });
    const item = await rawCarItem(carId);
    expect(Object.keys(item.blocks).sort()).toEqual(['current', 'later', 'live', 'next', 'other']);
    expect(item.blocksVersion).toBe(blocks.length + 2);

    // Removing a block that has itself ended names it once (no overlapping document paths).
    const short = pending('short', day(50), day(51), Date.now() - 1);
    await changeBlocks(carId, { set: short });
    const seenAgain = (await cars.get(carId))!;
    expect(seenAgain.blocks.map((b) => b.id)).toContain('short');
    await changeBlocks(carId, { remove: 'short', unchangedSince: seenAgain });
    expect(Object.keys((await rawCarItem(carId)).blocks)).not.toContain('short');
  });

  it('unchangedSince: a write decided on a calendar lands only while the calendar is the one read', async () => {
    const carId = await createCar(deps, spec({ location: 'BOS' }));
    const seen = (await cars.get(carId, true))!;
    await changeBlocks(carId, { set: confirmed('a', day(1), day(2)), unchangedSince: seen });
    // The same calendar read before that write: stale now, refused.
    await expect(changeBlocks(carId, { set: confirmed('b', day(1), day(2)), unchangedSince: seen })).rejects.toMatchObject(cancelled);
    const again = (await cars.get(carId, true))!;
    await changeBlocks(carId, { set: confirmed('b', day(3), day(4)), unchangedSince: again });
    expect(Object.keys((await rawCarItem(carId)).blocks).sort()).toEqual(['a', 'b']);
  });

  it('stillThere: confirming a block that a later write dropped fails', async () => {
    const carId = await createCar(deps, spec({ location: 'BOS' }));
    await changeBlocks(carId, { set: pending('h', day(1), day(2), Date.now() + 60_000) });
    await changeBlocks(carId, { set: confirmed('h', day(1), day(2)), stillThere: true });
    await changeBlocks(carId, { remove: 'h' });
    await expect(changeBlocks(carId, { set: confirmed('h', day(1), day(2)), stillThere: true })).rejects.toMatchObject(cancelled);
  });

  it('blocks written before times came (v1 days only) read as their days, and block search', async () => {
    const carId = await createCar(deps, spec({ location: 'PHL' }));
    await writeStoredBlocks(carId, { old: { kind: 'reservation', status: 'Confirmed', from: day(10), to: day(12) } });
    const car = (await cars.get(carId, true))!;
    expect(car.blocks).toEqual([{ id: 'old', kind: 'reservation', status: 'Confirmed', ...days(day(10), day(12)) }]);
    await deps.cache.calendarChanged('PHL', carId);
    expect(await idsIn({ location: 'PHL', period: { startDate: day(11), endDate: day(13) } })).not.toContain(carId);
    expect(await idsIn({ location: 'PHL', period: { startDate: day(12), endDate: day(13) } })).toContain(carId);
  });

  it('fails its transaction for an unknown car, and with activeAt for a car elsewhere or removed', async () => {
    await expect(changeBlocks(randomUUID(), { set: confirmed('x', day(1), day(2)) })).rejects.toMatchObject(cancelled);
    const carId = await createCar(deps, spec({ location: 'DFW' }));
    await expect(changeBlocks(carId, { set: confirmed('x', day(1), day(2)), activeAt: 'LAX' })).rejects.toMatchObject(cancelled);
    await changeBlocks(carId, { set: confirmed('x', day(1), day(2)), activeAt: 'DFW' });
    await changeBlocks(carId, { remove: 'x' }); // cancelled: nothing stops the removal
    await removeCar(deps, carId);
    expect((await rawCarItem(carId)).status).toBe('removed');
    await expect(changeBlocks(carId, { set: confirmed('y', day(3), day(4)), activeAt: 'DFW' })).rejects.toMatchObject(cancelled);
  });

  it('answers from DynamoDB when Redis is down, and invalidating a down cache does not throw', async () => {
    const carId = await createCar(deps, spec({ location: 'PHX' }));
    const down = new RedisFleetCache(async () => Promise.reject(new Error('ECONNREFUSED')));
    const page = await searchWithCache({ cars, cache: down }, query({ location: 'PHX' }), Date.now());
    expect(page).toMatchObject({ cached: false });
    expect(page.cars.map((c) => c.carId)).toEqual([carId]);
    await changeBlocks(carId, { set: maintenance('m', day(10), day(11)) });
    await expect(down.invalidateLocation('PHX')).resolves.toBeUndefined();
    expect((await searchWithCache({ cars, cache: down }, query({ location: 'PHX' }), Date.now())).cars).toEqual([]);
  });
});

describe('moves and removals', () => {
  it('refuses to move or remove a car with an upcoming reservation, listing it; allows it once cancelled', async () => {
    const carId = await createCar(deps, spec({ location: 'ORD' }));
    const booked = reservation(carId, 'Confirmed');
    await putReservation(booked);
    // The mapper owns the item format: what it writes reads back as the same reservation.
    const stored = await db.send(
      new GetCommand({ TableName: aws.names.reservations, Key: { pk: `RES#${booked.reservationId}`, sk: 'RES' } }),
    );
    expect(fromReservationItem(stored.Item!)).toEqual(booked);
    // Past reservations, lapsed holds and final states never stop a move.
    await putReservation(reservation(carId, 'Confirmed', day(-5), day(-2)));
    await putReservation(reservation(carId, 'Pending', day(10), day(12), { holdExpiresAt: Date.now() - 1000 }));
    await putReservation(reservation(carId, 'Expired'));
    await putReservation(reservation(carId, 'Rejected'));

    const move = updateCar(deps, carId, spec({ location: 'JFK' }));
    await expect(move).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { reservations: [{ reservationId: booked.reservationId, status: 'Confirmed' }] },
    });
    await expect(removeCar(deps, carId)).rejects.toMatchObject({ kind: 'CONFLICT' });
    // Changing the price in place is fine.
    await updateCar(deps, carId, spec({ location: 'ORD', pricePerDayMinor: 5500 }));

    // A live hold stops it too.
    const held = reservation(carId, 'Pending', day(14), day(15), { holdExpiresAt: Date.now() + 300_000 });
    await putReservation(held);
    await expect(updateCar(deps, carId, spec({ location: 'JFK' }))).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: {
        reservations: expect.arrayContaining([expect.objectContaining({ reservationId: held.reservationId, status: 'Pending' })]),
      },
    });

    await putReservation({ ...booked, status: 'Cancelled' });
    await putReservation({ ...held, status: 'Expired' });
    const before = await countsByLocation();
    await updateCar(deps, carId, spec({ location: 'JFK' }));
    const moved = await countsByLocation();
    expect([moved.ORD, moved.JFK]).toEqual([before.ORD - 1, before.JFK + 1]);
    expect(await idsIn({ location: 'JFK' })).toContain(carId);
    expect(await idsIn({ location: 'ORD' })).not.toContain(carId);

    await removeCar(deps, carId);
    expect((await countsByLocation()).JFK).toBe(before.JFK);
    expect(await idsIn({ location: 'JFK' })).not.toContain(carId);
    await expect(carDetails(deps, carId)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    // The item (its history) stays, marked removed.
    expect(await deps.cars.get(carId)).toMatchObject({ status: 'removed', location: 'JFK' });
    await expect(removeCar(deps, carId)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  /**
   * A booking that lands after the upcoming-reservations check, i.e. between the read of the car and
   * the write, bumps blocksVersion; the move or removal is conditioned on the version it read.
   */
  const bookingLandsDuringCheck = (carId: string): FleetDeps => ({
    ...deps,
    reservations: {
      upcoming: async () => {
        await changeBlocks(carId, { set: pending(randomUUID(), day(10), day(12), Date.now() + 300_000) });
        return [];
      },
    },
  });
  const asHttp = (err: unknown) => {
    const res = toErrorResponse(err);
    return { status: res.statusCode, code: JSON.parse(res.body).error.code };
  };

  it('a move fails with 409 CONFLICT when blocksVersion changed between read and write, and changes nothing', async () => {
    const carId = await createCar(deps, spec({ location: 'SLC' }));
    const before = await countsByLocation();
    const err = await updateCar(bookingLandsDuringCheck(carId), carId, spec({ location: 'DEN' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(asHttp(err)).toEqual({ status: 409, code: 'CONFLICT' });
    expect(await cars.get(carId)).toMatchObject({ location: 'SLC', status: 'active', blocksVersion: 1 });
    const after = await countsByLocation();
    expect([after.SLC, after.DEN]).toEqual([before.SLC, before.DEN]);
    expect(await idsIn({ location: 'SLC', period: { startDate: day(20), endDate: day(21) } })).toContain(carId);
    // An in-place edit is not conditioned on the blocks.
    await updateCar(bookingLandsDuringCheck(carId), carId, spec({ location: 'SLC', pricePerDayMinor: 6100 }));
    expect(await cars.get(carId)).toMatchObject({ pricePerDayMinor: 6100 });
  });

  it('a booking on the calendar but not yet in the reservations index (it lags in AWS) still stops a move and a removal', async () => {
    const carId = await createCar(deps, spec({ location: 'SLC' }));
    const held = randomUUID();
    await changeBlocks(carId, { set: pending(held, day(10), day(12), Date.now() + 300_000) });
    const indexBehind: FleetDeps = { ...deps, reservations: { upcoming: async () => [] } };
    for (const attempt of [() => updateCar(indexBehind, carId, spec({ location: 'DEN' })), () => removeCar(indexBehind, carId)]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(asHttp(err)).toEqual({ status: 409, code: 'CONFLICT' });
      expect((err as AppError).details).toEqual({ reservations: [{ reservationId: held }] });
    }
    expect(await cars.get(carId)).toMatchObject({ location: 'SLC', status: 'active' });
  });

  it('a removal fails with 409 CONFLICT when blocksVersion changed between read and write; goes through when nothing changed', async () => {
    const carId = await createCar(deps, spec({ location: 'PDX' }));
    const err = await removeCar(bookingLandsDuringCheck(carId), carId).catch((e: unknown) => e);
    expect(asHttp(err)).toEqual({ status: 409, code: 'CONFLICT' });
    expect(await cars.get(carId)).toMatchObject({ status: 'active', blocksVersion: 1 });
    expect(await idsIn({ location: 'PDX', period: { startDate: day(20), endDate: day(21) } })).toContain(carId);
    // The booking that landed is on the calendar: it stops the removal until it is gone.
    await expect(removeCar(deps, carId)).rejects.toMatchObject({ kind: 'CONFLICT' });
    for (const block of (await cars.get(carId, true))!.blocks) await changeBlocks(carId, { remove: block.id });
    // Read again with nothing landing in between: removed.
    await removeCar(deps, carId);
    expect(await cars.get(carId)).toMatchObject({ status: 'removed' });
  });
});

// Issue 10: POST /cars retried after a timeout made a second car.
describe('creating a car with an Idempotency-Key', () => {
  const activeAt = async (location: string) => (await cars.locationCounts()).get(location) ?? 0;

  it('the same key and car, even concurrently, make one car and answer with it; another car under that key is refused', async () => {
    const before = await activeAt('RNO');
    const request = { adminId: 'admin-1', idempotencyKey: `key-${randomUUID()}` };
    const ids = await Promise.all(Array.from({ length: 5 }, () => createCar(deps, spec({ location: 'RNO' }), request)));
    expect(new Set(ids).size).toBe(1);
    expect(await createCar(deps, spec({ location: 'RNO' }), request)).toBe(ids[0]);
    expect(await activeAt('RNO')).toBe(before + 1);
    await expect(createCar(deps, spec({ location: 'RNO', pricePerDayMinor: 1 }), request)).rejects.toMatchObject({
      kind: 'IDEMPOTENCY_MISMATCH',
    });
    // Keys are the admin's own; without a key every call is a new car.
    expect(await createCar(deps, spec({ location: 'RNO' }), { ...request, adminId: 'admin-2' })).not.toBe(ids[0]);
    expect(await createCar(deps, spec({ location: 'RNO' }))).not.toBe(await createCar(deps, spec({ location: 'RNO' })));
    expect(await activeAt('RNO')).toBe(before + 4);
  });
});

describe('photos', () => {
  it('keeps the cover pointing at an existing photo', async () => {
    const carId = await createCar(deps, spec({ location: 'LAS' }));
    const first = await startPhotoUpload(deps, carId, 'image/jpeg', 1000);
    const second = await startPhotoUpload(deps, carId, 'image/png', 1000);
    objects.add(`cars/${carId}/${first.photoId}.jpg`).add(`cars/${carId}/${second.photoId}.png`);
    expect((await carDetails(deps, carId)).photos.map((p) => p.photoId)).toEqual([first.photoId, second.photoId]);
    let details = await deps.cars.getWithPhotos(carId);
    expect(details!.car.coverPhotoKey).toBe(`cars/${carId}/${first.photoId}.jpg`);

    await deletePhoto(deps, carId, first.photoId);
    details = await deps.cars.getWithPhotos(carId);
    expect(details!.car.coverPhotoKey).toBe(`cars/${carId}/${second.photoId}.png`);
    expect(deletedKeys).toContain(`cars/${carId}/${first.photoId}.jpg`);
    await deletePhoto(deps, carId, second.photoId);
    expect((await deps.cars.get(carId))!.coverPhotoKey).toBeUndefined();
    await expect(deletePhoto(deps, carId, second.photoId)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('lists a photo only once its object is in the bucket; the cover too', async () => {
    const carId = await createCar(deps, spec({ location: 'LAS' }));
    const never = await startPhotoUpload(deps, carId, 'image/jpeg', 1000);
    const done = await startPhotoUpload(deps, carId, 'image/png', 1000);
    // Read once before any upload: the cached details must not hide the photo once it arrives.
    expect((await carDetails(deps, carId)).photos).toEqual([]);
    expect((await deps.cars.get(carId))!.coverPhotoKey).toBeUndefined();
    objects.add(`cars/${carId}/${done.photoId}.png`);
    expect((await carDetails(deps, carId)).photos.map((p) => p.photoId)).toEqual([done.photoId]);
    expect((await deps.cars.get(carId))!.coverPhotoKey).toBe(`cars/${carId}/${done.photoId}.png`);
    // Marked uploaded: later reads (cached or not) list it without asking the bucket again.
    objects.delete(`cars/${carId}/${done.photoId}.png`);
    expect((await carDetails(deps, carId)).photos.map((p) => p.photoId)).toEqual([done.photoId]);
    expect((await carDetails(deps, carId)).photos.map((p) => p.photoId)).not.toContain(never.photoId);
  });

  // Issue 10: 30 parallel uploads made 21 photos past the cap of 20 (count read, then written).
  it('never passes the cap, however many uploads race; a deleted photo frees its place', async () => {
    const carId = await createCar(deps, spec({ location: 'LAS' }));
    await startPhotoUpload(deps, carId, 'image/jpeg', 1000);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => startPhotoUpload(deps, carId, 'image/jpeg', 1000)));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as AppError).kind)).toEqual(Array(refused.length).fill('CONFLICT'));
    let details = await deps.cars.getWithPhotos(carId);
    expect(details!.photos).toHaveLength(MAX_PHOTOS_PER_CAR);
    expect(results.length + 1 - refused.length).toBe(MAX_PHOTOS_PER_CAR);

    await deletePhoto(deps, carId, details!.photos[0].photoId);
    await startPhotoUpload(deps, carId, 'image/png', 1000);
    await expect(startPhotoUpload(deps, carId, 'image/png', 1000)).rejects.toMatchObject({ kind: 'CONFLICT' });
    details = await deps.cars.getWithPhotos(carId);
    expect(details!.photos).toHaveLength(MAX_PHOTOS_PER_CAR);
  });

  it('an upload retried with its Idempotency-Key gets the same photo, even once the car is full; another upload under that key is refused', async () => {
    const carId = await createCar(deps, spec({ location: 'LAS' }));
    const request = { adminId: 'admin-1', idempotencyKey: `key-${randomUUID()}` };
    const first = await startPhotoUpload(deps, carId, 'image/png', 2000, request);
    await Promise.all(Array.from({ length: MAX_PHOTOS_PER_CAR - 1 }, () => startPhotoUpload(deps, carId, 'image/jpeg', 1000)));
    const retry = await startPhotoUpload(deps, carId, 'image/png', 2000, request);
    expect(retry.photoId).toBe(first.photoId);
    expect(retry.upload.url).toContain(`${first.photoId}.png`);
    expect((await deps.cars.getWithPhotos(carId))!.photos).toHaveLength(MAX_PHOTOS_PER_CAR);
    await expect(startPhotoUpload(deps, carId, 'image/png', 3000, request)).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
  });

  it('a photo cannot be added to a removed car (not found, not "full")', async () => {
    const carId = await createCar(deps, spec({ location: 'LAS' }));
    const car = (await cars.get(carId))!;
    await cars.remove(car, new Date().toISOString());
    await expect(
      cars.addPhoto(
        carId,
        { photoId: 'p', key: 'cars/x/p.jpg', contentType: 'image/jpeg', createdAt: new Date().toISOString() },
        { max: 20, seen: 0 },
      ),
    ).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
