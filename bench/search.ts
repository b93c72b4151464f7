/**
 * `npm run bench:search`: search at fleet scale against DynamoDB Local.
 *
 * Loads 50,000 cars over 100 locations and 200,000 reservations (each also a block on its car, as the
 * booking transaction keeps them), then runs the real search Lambda handler for several scenarios and
 * prints, per scenario: p50/p95 handler latency, DynamoDB requests and items read per search (counted
 * at the SDK layer from ScannedCount, with consumed capacity), cars returned and the cache hit rate.
 * Redis is ioredis-mock unless REDIS_URL is set. BENCH_CARS / BENCH_RESERVATIONS / BENCH_SEARCHES scale it;
 * BENCH_PAGE_LIMIT (10) is the page size of the page-2 scenario (a small fleet needs a smaller one to
 * have second pages at all). Cursors are sealed with a random key per run, as in the local runtime.
 *
 * Exits 1 when a correctness counter is off: a search that is not a 200, a scan (target 0), or no
 * second page to measure.
 */
import '../bin/support/quiet-sdk-warnings';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { documentClient } from '../lambdas/adapters/dynamodb';
import { useRedisFactory } from '../lambdas/adapters/redis';
import { toReservationItem } from '../lambdas/adapters/bookings/reservation-item';
import { toStoredBlock } from '../lambdas/adapters/fleet/car-repository';
import type { Reservation } from '../lambdas/domain/bookings/reservation';
import type { ReservationBlock } from '../lambdas/domain/fleet/availability';
import { dayInterval, occupies } from '../lambdas/domain/fleet/interval';
import { CAR_TYPES, LOCATIONS, type CarType } from '../lambdas/domain/fleet/catalog';
import { searchKeysOf } from '../lambdas/domain/fleet/search-keys';
import { ENV } from '../lambdas/shared/env-names';
import { localCursorKey } from '../local/cursor-key';
import { clientConfig } from '../local/standins/aws';
import { startDynamoDb } from '../local/standins/dynamodb';
import { createTables } from '../local/standins/resources';
import { apiEvent, context } from '../test/support/api-event';
import { countingRedis, writeCosts } from './costs';

const CARS = Number(process.env.BENCH_CARS ?? 50_000);
const RESERVATIONS = Number(process.env.BENCH_RESERVATIONS ?? 200_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 40);
const PAGE_LIMIT = process.env.BENCH_PAGE_LIMIT ?? '10';
const WRITE_CONCURRENCY = 24;
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

interface BenchCar {
  carId: string;
  type: CarType;
  location: (typeof LOCATIONS)[number];
  /** Set when its item is built. */
  pricePerDayMinor?: number;
  /** One per reservation, as the booking transaction keeps them (Confirmed: they hold the car). */
  blocks: ReservationBlock[];
}

// Deterministic pseudo-random numbers, so runs are comparable.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];

const generate = (): BenchCar[] => {
  const cars: BenchCar[] = Array.from({ length: CARS }, (_, i) => ({
    carId: randomUUID(),
    type: pick(CAR_TYPES),
    location: LOCATIONS[i % LOCATIONS.length],
    blocks: [],
  }));
  for (let i = 0; i < RESERVATIONS; i++) {
    const car = cars[i % cars.length];
    // Each car's reservations follow each other over the next ~120 days, 1-7 days long.
    const start = car.blocks.length
      ? Math.round((car.blocks.at(-1)!.readyMs - Date.now()) / DAY_MS) + 1 + Math.floor(rand() * 20)
      : Math.floor(rand() * 20);
    const end = start + 1 + Math.floor(rand() * 7);
    car.blocks.push({
      id: randomUUID(),
      kind: 'reservation',
      status: 'Confirmed',
      from: day(start),
      to: day(end),
      ...dayInterval({ startDate: day(start), endDate: day(end) }),
    });
  }
  return cars;
};

/** The reservations behind a car's blocks, in the bookings adapter's item format (its one owner). */
const reservationItems = (car: BenchCar) => {
  const at = new Date().toISOString();
  const dailyMinor = car.pricePerDayMinor!;
  return car.blocks.map((block) => {
    const days = Math.round((block.readyMs - block.fromMs) / DAY_MS);
    const reservation: Reservation = {
      reservationId: block.id,
      userId: `bench-user-${parseInt(block.id.slice(0, 4), 16) % 5000}`,
      carId: car.carId,
      startDate: block.from!,
      endDate: block.to!,
      status: 'Confirmed',
      price: { currency: 'USD', dailyMinor, days, totalMinor: dailyMinor * days },
      car: { make: 'Make', model: 'Model', year: 2022, type: car.type, location: car.location },
      createdAt: at,
      updatedAt: at,
    };
    return toReservationItem(reservation);
  });
};

const carItem = (car: BenchCar) => {
  const pricePerDayMinor = 2000 + Math.floor(rand() * 300) * 100;
  car.pricePerDayMinor = pricePerDayMinor;
  const at = new Date().toISOString();
  return {
    pk: `CAR#${car.carId}`,
    sk: 'CAR',
    carId: car.carId,
    make: 'Make',
    model: 'Model',
    year: 2022,
    type: car.type,
    location: car.location,
    pricePerDayMinor,
    status: 'active',
    // As DynamoCarRepository stores them: a map keyed by reservation id, each block in its short form;
    // every block was one change of the map.
    blocks: Object.fromEntries(car.blocks.map((block) => [block.id, toStoredBlock(block)])),
    blocksVersion: car.blocks.length,
    ratingCount: 0,
    ratingTotal: 0,
    createdAt: at,
    updatedAt: at,
    ...searchKeysOf({ ...car, pricePerDayMinor }),
  };
};

/** BatchWrite in chunks of 25, many in flight, re-sending unprocessed items. */
const load = async (db: DynamoDBDocumentClient, table: string, items: Array<Record<string, unknown>>) => {
  const chunks: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let requests = chunks[next++].map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const res = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
};

/** Counts every DynamoDB call the handler makes, and what it read, at the SDK middleware layer. */
const meter = { requests: 0, scans: 0, itemsRead: 0, capacity: 0 };
const instrument = () => {
  documentClient().middlewareStack.add(
    (next, ctx) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as {
        ScannedCount?: number;
        Count?: number;
        Item?: unknown;
        ConsumedCapacity?: { CapacityUnits?: number };
      };
      meter.requests++;
      if (ctx.commandName === 'ScanCommand') meter.scans++;
      meter.itemsRead += output.ScannedCount ?? output.Count ?? (output.Item ? 1 : 0);
      meter.capacity += output.ConsumedCapacity?.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'benchMeter' },
  );
};

/** Redis commands the handler sent (ioredis-mock only: with REDIS_URL they are not counted). */
const redisCounts: Record<string, number> = {};
const redisTotal = () => Object.values(redisCounts).reduce((a, b) => a + b, 0);

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN; // a scenario with no searches (e.g. no second pages at a tiny scale)
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

interface Row {
  scenario: string;
  searches: number;
  p50: number;
  p95: number;
  requests: number;
  itemsRead: number;
  bound: number;
  returned: number;
  hitRate: number;
  latencies: number[];
  /** Read capacity per search (DynamoDB Local's ConsumedCapacity) and Redis commands per search. */
  rcu: number;
  redis: number;
}

/** One row of several runs of a scenario: latencies pooled, per-search figures averaged by searches. */
const mergeRows = (runs: Row[]): Row => {
  const searches = runs.reduce((n, r) => n + r.searches, 0);
  const mean = (f: (r: Row) => number) => runs.reduce((n, r) => n + f(r) * r.searches, 0) / Math.max(1, searches);
  return {
    scenario: runs[0].scenario,
    searches,
    p50: percentile(
      runs.flatMap((r) => r.latencies),
      50,
    ),
    p95: percentile(
      runs.flatMap((r) => r.latencies),
      95,
    ),
    requests: mean((r) => r.requests),
    itemsRead: mean((r) => r.itemsRead),
    bound: mean((r) => r.bound),
    returned: mean((r) => r.returned),
    hitRate: mean((r) => r.hitRate),
    latencies: runs.flatMap((r) => r.latencies),
    rcu: mean((r) => r.rcu),
    redis: mean((r) => r.redis),
  };
};

const main = async () => {
  const dynamo = await startDynamoDb();
  const raw = new DynamoDBClient(clientConfig(dynamo.endpoint));
  try {
    await createTables(raw);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      CARS_TABLE: 'cars',
      RESERVATIONS_TABLE: 'reservations',
      [ENV.carPhotosUrl]: 'https://photos.bench.invalid',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // As in the local runtime and tests: no EMF lines printed per invocation.
      POWERTOOLS_METRICS_DISABLED: 'true',
      // Search pages carry sealed cursors: without a key the first page with a next one answered 500.
      [ENV.cursorKey]: localCursorKey(),
    });
    if (!process.env.REDIS_URL) {
      const { default: RedisMock } = await import('ioredis-mock');
      useRedisFactory(countingRedis(async () => new RedisMock(), redisCounts));
    }

    const db = DynamoDBDocumentClient.from(raw);
    const cars = generate();
    const loadStarted = performance.now();
    await load(db, 'cars', cars.map(carItem));
    await load(
      db,
      'cars',
      LOCATIONS.map((code) => ({ pk: 'LOCATIONS', sk: code, activeCars: cars.filter((c) => c.location === code).length })),
    );
    const carsLoadedMs = performance.now() - loadStarted;
    await load(db, 'reservations', cars.flatMap(reservationItems));
    const loadMs = performance.now() - loadStarted;
    console.log(
      `Loaded ${CARS} cars (${(carsLoadedMs / 1000).toFixed(1)} s) and ${RESERVATIONS} reservations in ${(loadMs / 1000).toFixed(1)} s total ` +
        `(${Math.round(((CARS + RESERVATIONS) / loadMs) * 1000)} items/s, BatchWrite x${WRITE_CONCURRENCY}).`,
    );

    // v2's totals price by each location's rules: the demo's (rates, season, weekend, fees, taxes) at every one.
    const { seedDemoPricing } = await import('../local/pricing/seed-demo-pricing');
    const { DEMO_TYPE_DAILY_MINOR } = await import('../local/fleet/seed-demo-fleet');
    await seedDemoPricing(LOCATIONS, DEMO_TYPE_DAILY_MINOR, []);

    instrument();
    type Handler = (e: unknown, c: unknown) => Promise<APIGatewayProxyResult>;
    const { handler: v1Handler } = (await import('../lambdas/handlers/fleet/search-cars')) as { handler: Handler };
    const { handler: v2Handler } = (await import('../lambdas/handlers/fleet/search-cars-at-times')) as { handler: Handler };
    /** v1 takes days; v2 takes local times at the location (10:00 to 10:00 over the same days), and prices each car. */
    const handler: Handler = (event, c) => {
      const q = (event as { queryStringParameters: Record<string, string> }).queryStringParameters;
      if (!q.pickupAt) return v1Handler(event, c);
      return v2Handler(
        { ...(event as object), requestContext: { ...(event as { requestContext: object }).requestContext, stage: 'v2' } },
        c,
      );
    };
    const v2Of = ({ startDate, endDate, ...rest }: Record<string, string>) => ({
      ...rest,
      pickupAt: `${startDate}T10:00`,
      returnAt: `${endDate}T10:00`,
    });

    /** Cars of that type at that location, plus reservations overlapping the period there: the target's bound. */
    const boundFor = (q: Record<string, string>) => {
      const days = q.pickupAt ? { startDate: q.pickupAt.slice(0, 10), endDate: q.returnAt.slice(0, 10) } : q;
      const wanted = dayInterval({ startDate: days.startDate, endDate: days.endDate });
      const here = cars.filter((c) => c.location === q.location && (!q.type || c.type === q.type));
      return here.length + here.reduce((n, c) => n + c.blocks.filter((b) => occupies(b, wanted)).length, 0);
    };

    const run = async (scenario: string, queries: Array<Record<string, string>>): Promise<Row> => {
      const latencies: number[] = [];
      let hits = 0;
      let returned = 0;
      let worstRatio = 0;
      let bound = 0;
      Object.assign(meter, { requests: 0, itemsRead: 0, capacity: 0 });
      const redisBefore = redisTotal();
      for (const q of queries) {
        const before = meter.itemsRead;
        const started = performance.now();
        const res = await handler(apiEvent({ httpMethod: 'GET', path: '/cars', queryStringParameters: q }), context);
        latencies.push(performance.now() - started);
        if (res.statusCode !== 200) throw new Error(`${scenario}: HTTP ${res.statusCode} ${res.body}`);
        const body = JSON.parse(res.body) as { cars: unknown[] };
        returned += body.cars.length;
        if (res.headers?.['x-cache'] === 'hit') hits++;
        const b = boundFor(q);
        bound += b;
        worstRatio = Math.max(worstRatio, (meter.itemsRead - before) / Math.max(1, b));
      }
      const n = Math.max(1, queries.length);
      if (worstRatio > 2) console.warn(`  ! ${scenario}: a search read ${worstRatio.toFixed(2)} x its bound`);
      return {
        scenario,
        searches: queries.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        requests: meter.requests / n,
        itemsRead: meter.itemsRead / n,
        bound: bound / n,
        returned: returned / n,
        hitRate: hits / n,
        latencies,
        rcu: meter.capacity / n,
        redis: (redisTotal() - redisBefore) / n,
      };
    };

    const queriesFor = (extra: (i: number) => Record<string, string>) =>
      Array.from({ length: SEARCHES }, (_, i) => {
        const start = 1 + Math.floor(rand() * 60);
        return {
          location: pick(LOCATIONS),
          startDate: day(start),
          endDate: day(start + 1 + Math.floor(rand() * 7)),
          ...extra(i),
        };
      });

    const typed = queriesFor(() => ({ type: pick(CAR_TYPES) }));
    const rows: Row[] = [];
    rows.push(await run('type, cold cache', typed));
    rows.push(await run('type, warm cache', typed));
    // v1 against v2 with totals, side by side: the same kind of query (fresh, so both cold), alternated in
    // rounds so the machine's load falls on both alike.
    const pairs: Row[][] = [[], []];
    for (let round = 0; round < 3; round++) {
      const fresh = queriesFor(() => ({ type: pick(CAR_TYPES) }));
      pairs[0].push(await run('v1 days, type, cold', fresh.slice(0, Math.ceil(SEARCHES / 2))));
      pairs[1].push(await run('v2 times + totals, type, cold', fresh.slice(Math.ceil(SEARCHES / 2)).map(v2Of)));
    }
    const merged = pairs.map((runs) => mergeRows(runs));
    rows.push(...merged);
    rows.push(
      await run(
        'type + price range, cold',
        queriesFor(() => ({ type: pick(CAR_TYPES), minPrice: '50', maxPrice: '150' })),
      ),
    );
    rows.push(
      await run(
        'all types, cold',
        queriesFor(() => ({})),
      ),
    );
    rows.push(
      await run(
        'all types, limit 100, cold',
        queriesFor(() => ({ limit: '100' })),
      ),
    );
    // Second pages: take the cursor of a first page, then measure the page it leads to.
    // A small fleet has few first pages with a next one: draw more until there are SEARCHES (or give up).
    const second: Array<Record<string, string>> = [];
    for (let batch = 0; second.length < SEARCHES && batch < 20; batch++) {
      for (const q of queriesFor(() => ({ type: pick(CAR_TYPES), limit: PAGE_LIMIT }))) {
        if (second.length >= SEARCHES) break;
        const res = await handler(apiEvent({ httpMethod: 'GET', path: '/cars', queryStringParameters: q }), context);
        if (res.statusCode !== 200) throw new Error(`page 1: HTTP ${res.statusCode} ${res.body}`);
        const cursor = (JSON.parse(res.body) as { nextCursor: string | null }).nextCursor;
        if (cursor) second.push({ ...q, cursor });
      }
    }
    rows.push(await run('type, page 2 (cursor), cold', second));

    const fmt = (v: number, d = 1) => v.toFixed(d).padStart(8);
    console.log(`\nScans: ${meter.scans} (target 0)`);
    console.log(
      [
        'scenario'.padEnd(30),
        'n'.padStart(4),
        'p50 ms'.padStart(8),
        'p95 ms'.padStart(8),
        'requests'.padStart(8),
        'items'.padStart(8),
        'bound'.padStart(8),
        'returned'.padStart(8),
        'hit rate'.padStart(8),
        'RCU'.padStart(8),
        'redis'.padStart(8),
      ].join(' '),
    );
    for (const r of rows) {
      console.log(
        [
          r.scenario.padEnd(30),
          String(r.searches).padStart(4),
          fmt(r.p50),
          fmt(r.p95),
          fmt(r.requests),
          fmt(r.itemsRead),
          fmt(r.bound),
          fmt(r.returned),
          fmt(r.hitRate * 100, 0) + '%',
          fmt(r.rcu),
          fmt(r.redis),
        ].join(' '),
      );
    }
    const cold = rows[0].p95;
    const warm = rows[1].p95;
    console.log(`\nWarm-cache p95 is ${(cold / warm).toFixed(1)}x lower than cold (target >= 5x).`);
    const [v1Row, v2Row] = merged;
    console.log(
      `v2 search with totals, against v1 in the same run (3 alternated rounds, cold): p50 ${(v2Row.p50 / v1Row.p50).toFixed(2)}x, ` +
        `p95 ${(v2Row.p95 / v1Row.p95).toFixed(2)}x (target <= 1.5x).`,
    );
    console.log(
      'items = DynamoDB items read per search (ScannedCount); bound = cars of that type at that location + reservations overlapping the period (target: items <= 2 x bound).',
    );
    writeCosts({
      bench: 'search',
      size: {
        cars: CARS,
        reservations: RESERVATIONS,
        searchesPerScenario: SEARCHES,
        redis: process.env.REDIS_URL ? 'REDIS_URL' : 'ioredis-mock',
      },
      perRequest: Object.fromEntries(
        rows.map((r) => [
          r.scenario,
          {
            rcu: r.rcu,
            dynamoRequests: r.requests,
            itemsRead: r.itemsRead,
            redisCommands: r.redis,
            handlerP50Ms: r.p50,
            handlerP95Ms: r.p95,
          },
        ]),
      ),
    });
    const failures = [
      ...(meter.scans > 0 ? [`${meter.scans} scans (target 0)`] : []),
      ...(second.length === 0 ? [`no first page had a next page: page 2 was not measured (BENCH_PAGE_LIMIT ${PAGE_LIMIT})`] : []),
    ];
    if (failures.length) throw new Error(`FAIL: ${failures.join('; ')}`);
  } finally {
    raw.destroy();
    await dynamo.stop();
  }
};

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
