/**
 * `npm run bench:booking`: booking under contention, end to end, against the local runtime.
 *
 * Starts the local runtime in this process (startLocalRuntime on a free port, no demo fleet), adds the
 * cars through the same use case as POST /v1/cars, registers and signs in a few customers over HTTP,
 * then sends the booking requests over HTTP (POST /v2/reservations with local pick-up and return times,
 * a BENCH_V1_SHARE of them POST /v1/reservations with days) with bounded concurrency, paced at the
 * route's throttle and retrying 429s after their Retry-After. The rentals are 1 hour to BENCH_MAX_DAYS
 * long at minute granularity, at round-the-clock locations, some back to back (exactly the turnaround
 * apart), some across a month boundary, planned so that about BENCH_CONTENTION of the requests overlap
 * another request for the same car (the interval rule, turnaround included). It waits until the
 * worker has decided every request, reading the reservations table directly, and prints:
 *
 *   - requests accepted per second (202), and decisions per second from the first request to the last decision;
 *   - p50/p95 time from request to decision (the reservation's updatedAt when it left Requested, minus
 *     the send time of the request that made it) and of the POST itself;
 *   - overbookings (two held reservations of one car whose intervals overlap, or a held reservation not
 *     on its car's calendar with its interval), and requests left undecided: both must be 0, else the exit code is 1;
 *   - DynamoDB write capacity per decided booking, from ReturnConsumedCapacity on every write of the
 *     shared document client (an SDK middleware, per table and index), against the target of at most
 *     10 whatever the rental's length (issue 18), broken down by rental length, and what it costs at
 *     on-demand prices.
 *
 * The per-IP limits of the web firewall (2,000 requests per 5 minutes from one address) are off: every
 * request comes from 127.0.0.1, so they would measure the firewall, not booking. The stage and route
 * throttles that API Gateway applies stay on (the 50/s pacing above). A 5xx answer fails the run.
 *
 * The runtime runs in this process, not in a separate `npm start`: the write capacity can only be
 * metered where the handlers' document client lives. Client, API, handlers and the 4 queue pollers
 * share one Node.js event loop (with DynamoDB Local's JVM and the other stand-ins on the same cores).
 *
 * Scale with BENCH_REQUESTS (2000), BENCH_CARS (100), BENCH_CUSTOMERS (requests / 3), BENCH_CONTENTION (0.3),
 * BENCH_CONCURRENCY (50 in flight), BENCH_RATE (requests/s, 50 = the route's limit; 0 = unpaced, relying
 * on 429 + Retry-After), BENCH_MAX_DAYS (10), BENCH_V1_SHARE (0.1), BENCH_TARGET_WCU (10),
 * BENCH_DECIDE_TIMEOUT_S (300), BENCH_WRU_PRICE (USD per million write request units, 0.625). The
 * per-customer limits are the configured ones (BOOKING_MAX_LIVE_HOLDS / BOOKING_MAX_OVERLAPPING), with
 * BENCH_CUSTOMERS (requests / 3) customers. REDIS_URL uses a real Redis instead of ioredis-mock.
 */
import { randomUUID } from 'node:crypto';
import '../local/runtime-env';
import '../bin/support/quiet-sdk-warnings';
import { availableParallelism, loadavg } from 'node:os';
import { performance as perf } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, getInOrder, queryAll } from '../lambdas/adapters/dynamodb';
import { carRepository } from '../lambdas/adapters/fleet';
import { fleetCache } from '../lambdas/adapters/redis-backed';
import { clock } from '../lambdas/shared/clock';
import { BY_CAR, fromReservationItem, reservationKey } from '../lambdas/adapters/bookings/reservation-item';
import { DynamoCarRepository } from '../lambdas/adapters/fleet/car-repository';
import { intervalOf } from '../lambdas/domain/bookings/reservation';
import { dayInterval, occupies, type Interval } from '../lambdas/domain/fleet/interval';
import { formatRentalTime, localDate, locationProfile } from '../lambdas/domain/rental-time';
import { MINUTE_MS } from '../lambdas/domain/rental-time/zone-clock';
import { CAR_TYPES, type LocationCode } from '../lambdas/domain/fleet/catalog';
import { createCar } from '../lambdas/domain/fleet/manage-cars';
import { tableName } from '../lambdas/shared/config';
import { startLocalRuntime, type LocalRuntime } from '../local/main';
import { clientConfig } from '../local/standins/aws';
import { writeCosts } from './costs';
import { newCustomer, postJson, sleep, stats } from './http-client';
import { WriteCapacityModel } from './write-capacity';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got "${raw}"`);
  return value;
};
const REQUESTS = num('BENCH_REQUESTS', 2000);
const CARS = Math.max(1, num('BENCH_CARS', 100));
/** As many customers as each may have requests open at once (3 by default): every request is within the limits. */
const CUSTOMERS = Math.max(3, num('BENCH_CUSTOMERS', Math.ceil(REQUESTS / 3)));
const CONTENTION = Math.min(1, num('BENCH_CONTENTION', 0.3));
const CONCURRENCY = Math.max(1, num('BENCH_CONCURRENCY', 50));
const RATE = num('BENCH_RATE', 50);
/** Longest rental of the plan (v2 lengths are log-uniform from 1 hour to this). */
const MAX_MINUTES = Math.max(2, Math.min(30, num('BENCH_MAX_DAYS', 10))) * 24 * 60;
/** Share of the requests sent to v1 (whole UTC days) instead of v2 (times). */
const V1_SHARE = Math.min(1, num('BENCH_V1_SHARE', 0.1));
/** The target of issue 18: write capacity per decided booking, whatever the rental's length. */
const TARGET_WCU = num('BENCH_TARGET_WCU', 10);
const DECIDE_TIMEOUT_MS = num('BENCH_DECIDE_TIMEOUT_S', 300) * 1000;
/** us-east-1 on-demand, per million write request units (after AWS's 50% on-demand cut of Nov 2024): verify. */
const WRU_PRICE = num('BENCH_WRU_PRICE', 0.625);
/** Round-the-clock hubs (locations.ts): any minute is a valid pick-up or return, so the plan needs no opening hours. */
const LOCATIONS: LocationCode[] = ['LAX', 'JFK', 'ORD', 'ATL', 'DFW'];
const DAY_MS = 86_400_000;

// Deterministic pseudo-random numbers, so runs are comparable.
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Local date-time at the location, to the minute, as v2 takes it: `2027-03-01T10:00`. */
const localTime = (ms: number, timeZone: string) => formatRentalTime(ms, timeZone).slice(0, 16);
const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/* ------------------------------------------------------------------------------------------------ */
/* Write capacity, metered at the SDK layer on the document client every handler shares.            */
/* ------------------------------------------------------------------------------------------------ */

interface Capacity {
  table: number;
  indexes: Record<string, number>;
}
const emptyCapacity = (): Capacity => ({ table: 0, indexes: {} });
const sum = (c: Capacity) => c.table + Object.values(c.indexes).reduce((a, b) => a + b, 0);
const indexSum = (c: Capacity) => Object.values(c.indexes).reduce((a, b) => a + b, 0);
const addInto = (into: Capacity, table: number, indexes: Record<string, number | { CapacityUnits?: number }> = {}) => {
  into.table += table;
  for (const [name, n] of Object.entries(indexes))
    into.indexes[name] = (into.indexes[name] ?? 0) + (typeof n === 'number' ? n : (n.CapacityUnits ?? 0));
};

/** Write commands as the middleware sees them: the document client runs the client's own commands. */
const WRITES: Record<string, 'Put' | 'Update' | 'Delete' | 'TransactWrite' | 'BatchWrite'> = {
  PutItemCommand: 'Put',
  UpdateItemCommand: 'Update',
  DeleteItemCommand: 'Delete',
  TransactWriteItemsCommand: 'TransactWrite',
  BatchWriteItemCommand: 'BatchWrite',
};
type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface KindStats {
  calls: number;
  committed: number;
  /** By DynamoDB's billing rules (the model), and as DynamoDB Local reports it. */
  billed: Capacity;
  reported: number;
  cancelled: number;
  /** What the cancelled ones would cost if billed like committed ones (table items only). */
  cancelledEstimate: number;
}

const meter = {
  on: false,
  model: undefined as WriteCapacityModel | undefined,
  /** By table: billed by DynamoDB's rules (the model), and as DynamoDB Local reports it (INDEXES). */
  billed: {} as Record<string, Capacity>,
  reported: {} as Record<string, Capacity>,
  /** By what the write did (the reservation's new status, or the command). */
  byKind: {} as Record<string, KindStats>,
  /** Billed WCU by reservation, for writes that touch one reservation item. */
  byReservation: new Map<string, number>(),
  /** Cancelled transactions (a condition failed): DynamoDB Local reports no capacity for them. */
  cancelled: 0,
  cancelledEstimate: 0,
  /** Read capacity by table, as DynamoDB Local reports it (reads are billed per 4 KB item, which it follows). */
  read: {} as Record<string, number>,
  /** Milliseconds per DynamoDB call of the handlers, by command. */
  latency: {} as Record<string, number[]>,
};

const pkOf = (key: unknown): string | undefined => {
  const pk = (key as Item | undefined)?.pk;
  return typeof pk === 'string' ? pk : undefined;
};

/** What a write does, for the breakdown: `create`, `-> Pending`, `-> Rejected`, ... or the command. */
const kindOf = (op: string, input: Item): { kind: string; reservationId?: string } => {
  const items = (input.TransactItems as TransactItem[] | undefined) ?? [{ [op]: input }];
  for (const item of items) {
    const put = item.Put as Item | undefined;
    const update = item.Update as Item | undefined;
    const del = item.Delete as Item | undefined;
    const pk = pkOf(put?.Item) ?? pkOf(update?.Key) ?? pkOf(del?.Key);
    if (!pk?.startsWith('RES#')) continue;
    const reservationId = pk.slice(4);
    if (put) return { kind: 'create (request)', reservationId };
    if (del) return { kind: 'discard', reservationId };
    const values = (update?.ExpressionAttributeValues ?? {}) as Item;
    const names = (update?.ExpressionAttributeNames ?? {}) as Item;
    // The store's transitions set fields through #s<i> / :s<i> (the condition's #status is not a SET).
    const statusSet = Object.entries(names).find(([alias, field]) => field === 'status' && /^#s\d+$/.test(alias));
    const status = statusSet ? values[`:${statusSet[0].slice(1)}`] : undefined;
    return { kind: status ? `-> ${String(status)}` : 'reschedule (sweeper)', reservationId };
  }
  // The single writes that go with a reservation's: its customer's ledger (the admission names the new
  // reservation first), and its car's calendar (the block's id is the reservation's).
  const [only] = items;
  const update = only?.Update as Item | undefined;
  const names = Object.values((update?.ExpressionAttributeNames ?? {}) as Record<string, string>);
  const key = update?.Key as Item | undefined;
  if (key?.sk === 'LEDGER') {
    const usage = names.find((n) => n.startsWith('u_'));
    return { kind: 'ledger', reservationId: usage?.slice(2) };
  }
  if (pkOf(key)?.startsWith('CAR#')) {
    const aliases = (update?.ExpressionAttributeNames ?? {}) as Record<string, string>;
    return { kind: 'car calendar', reservationId: aliases['#set'] ?? aliases['#rm'] };
  }
  return { kind: op };
};

const instrument = () => {
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (!meter.on) return next(args);
      const op = WRITES[context.commandName ?? ''];
      const started = performance.now();
      const timed = () => (meter.latency[context.commandName ?? '?'] ??= []).push(performance.now() - started);
      if (!op) {
        (args.input as Item).ReturnConsumedCapacity = 'TOTAL';
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Array<{
            TableName?: string;
            CapacityUnits?: number;
          }>)
            meter.read[c.TableName ?? '?'] = (meter.read[c.TableName ?? '?'] ?? 0) + (c.CapacityUnits ?? 0);
          return result;
        } finally {
          timed();
        }
      }
      const input = args.input as Item;
      // INDEXES: the total, plus how much of it was the table and each global secondary index.
      input.ReturnConsumedCapacity = 'INDEXES';
      const { kind, reservationId } = kindOf(op, input);
      const k = (meter.byKind[kind] ??= {
        calls: 0,
        committed: 0,
        billed: emptyCapacity(),
        reported: 0,
        cancelled: 0,
        cancelledEstimate: 0,
      });
      k.calls++;
      let result;
      try {
        result = await next(args);
      } catch (err) {
        if ((err as Error).name === 'TransactionCanceledException' || (err as Error).name === 'ConditionalCheckFailedException') {
          // Nothing was written; priced as if it had been (table items only: no index is touched).
          const estimate = meter.model!.priceWrite(op, input, false).table;
          meter.cancelled++;
          meter.cancelledEstimate += estimate;
          k.cancelled++;
          k.cancelledEstimate += estimate;
        }
        throw err;
      }
      timed();
      k.committed++;
      const bill = meter.model!.priceWrite(op, input, true);
      for (const [table, c] of Object.entries(bill.byTable)) addInto((meter.billed[table] ??= emptyCapacity()), c.table, c.indexes);
      addInto(k.billed, bill.table, bill.indexes);
      if (reservationId) meter.byReservation.set(reservationId, (meter.byReservation.get(reservationId) ?? 0) + sum(bill));
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      type Reported = {
        TableName?: string;
        CapacityUnits?: number;
        Table?: { CapacityUnits?: number };
        GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
      };
      for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Reported[]) {
        addInto(
          (meter.reported[c.TableName ?? '?'] ??= emptyCapacity()),
          c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0,
          c.GlobalSecondaryIndexes,
        );
        k.reported += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchWriteMeter' },
  );
};

/* ------------------------------------------------------------------------------------------------ */
/* The plan: which customer books which car for which days                                          */
/* ------------------------------------------------------------------------------------------------ */

interface Planned {
  car: number;
  customer: number;
  /** v2: pick-up and return instants (whole minutes); v1: the UTC days that cover them. */
  pickupMs: number;
  returnMs: number;
  v1?: { startDate: string; endDate: string };
  /** The interval the booking takes, as the API will judge it (v2: return + turnaround; v1: its UTC days). */
  interval: Interval;
  /** Rental length in minutes (v1: its days x 1440), for the per-length breakdown. */
  minutes: number;
  /** Pick-up and return in different calendar months (local at the car's location). */
  acrossMonths: boolean;
}

/** Log-uniform length from 1 hour to BENCH_MAX_DAYS, in whole minutes: short and long rentals alike. */
const rentalMinutes = () => Math.round(Math.exp(Math.log(60) + rand() * (Math.log(MAX_MINUTES) - Math.log(60))));

/**
 * Per car, slots of 1 hour .. BENCH_MAX_DAYS at minute granularity, one after another from up to two
 * weeks before a month boundary (at least a day ahead): a third of them start exactly when the one
 * before is ready again (its return + the location's turnaround: both must be held), the others up to
 * two days later. Most slots get one request; some get a second (or third) whose ends move by up to half
 * the slot's length (so it always overlaps the slot, and now and then a neighbour), so that about
 * CONTENTION of all requests collide with another. A BENCH_V1_SHARE of the requests go to v1 as the UTC
 * days that cover the slot. Request order is then shuffled.
 */
const plan = (carLocations: LocationCode[]): Planned[] => {
  const out: Planned[] = [];
  let next = 0;
  const firstPickup = Math.ceil((Date.now() + DAY_MS) / 3_600_000) * 3_600_000;
  const soon = new Date(firstPickup + 2 * DAY_MS);
  const monthAfter = Date.UTC(soon.getUTCFullYear(), soon.getUTCMonth() + 1, 1);
  for (let car = 0; car < CARS; car++) {
    const profile = locationProfile(carLocations[car]);
    const turnaroundMs = profile.turnaroundMinutes * MINUTE_MS;
    const n = Math.floor(REQUESTS / CARS) + (car < REQUESTS % CARS ? 1 : 0);
    // Colliding requests on this car, in groups of 2 (one group of 3 when the count is odd).
    const colliding = Math.min(n, Math.round(n * CONTENTION));
    const groups: number[] = [];
    for (let left = colliding; left >= 2;) {
      const size = left === 3 ? 3 : 2;
      groups.push(size);
      left -= size;
    }
    const contested = groups.reduce((a, b) => a + b, 0);
    const sizes = [...groups, ...Array.from({ length: n - contested }, () => 1)].sort(() => rand() - 0.5);
    // Each car's slots start up to two weeks before a month begins, so some rentals span the boundary.
    let cursor = Math.max(firstPickup, monthAfter - int(1, 14 * 24 * 60) * MINUTE_MS);
    for (const size of sizes) {
      const length = rentalMinutes();
      const from = cursor;
      const to = from + length * MINUTE_MS;
      for (let j = 0; j < size; j++) {
        const shift = Math.floor(length / 2);
        // Never before the first slot: a day ahead keeps every pick-up past the location's notice.
        const pickupMs = j === 0 ? from : Math.max(firstPickup, from + int(-shift, shift) * MINUTE_MS);
        let returnMs = j === 0 ? to : to + int(-shift, shift) * MINUTE_MS;
        if (returnMs < pickupMs + 60 * MINUTE_MS) returnMs = pickupMs + 60 * MINUTE_MS;
        const v1 = rand() < V1_SHARE;
        const days = v1 ? { startDate: utcDay(pickupMs), endDate: utcDay(returnMs + turnaroundMs - 1 + DAY_MS) } : undefined;
        const interval = days ? dayInterval(days) : { fromMs: pickupMs, readyMs: returnMs + turnaroundMs };
        out.push({
          car,
          customer: next++ % CUSTOMERS,
          pickupMs,
          returnMs,
          ...(days ? { v1: days } : {}),
          interval,
          minutes: days ? (interval.readyMs - interval.fromMs) / MINUTE_MS : (returnMs - pickupMs) / MINUTE_MS,
          acrossMonths: days
            ? days.startDate.slice(0, 7) !== utcDay(interval.readyMs - 1).slice(0, 7)
            : localDate(pickupMs, profile.timeZone).slice(0, 7) !== localDate(returnMs, profile.timeZone).slice(0, 7),
        });
      }
      // Back to back a third of the time: the next pick-up exactly when this car is ready again.
      cursor = to + turnaroundMs + (rand() < 1 / 3 ? 0 : int(1, 2 * 24 * 60) * MINUTE_MS);
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};

/** Requests whose interval overlaps (the interval rule, turnaround included) another request's for the same car. */
const collidingShare = (requests: Planned[]): number => {
  let colliding = 0;
  const byCar = new Map<number, Planned[]>();
  for (const r of requests) byCar.set(r.car, [...(byCar.get(r.car) ?? []), r]);
  for (const list of byCar.values()) for (const r of list) if (list.some((o) => o !== r && occupies(o.interval, r.interval))) colliding++;
  return colliding / Math.max(1, requests.length);
};

/** Rental-length buckets of the per-length breakdown (upper bounds in minutes, inclusive). */
const LENGTH_BUCKETS: Array<{ label: string; max: number }> = [
  { label: '1-6 h', max: 6 * 60 },
  { label: '6-24 h', max: 24 * 60 },
  { label: '1-3 days', max: 3 * 24 * 60 },
  { label: '3-7 days', max: 7 * 24 * 60 },
  { label: '7+ days', max: Infinity },
];
const bucketOf = (minutes: number) => LENGTH_BUCKETS.findIndex((b) => minutes <= b.max);

/* ------------------------------------------------------------------------------------------------ */

interface Sent extends Planned {
  reservationId?: string;
  sentAt: number;
  status: number;
  postMs: number;
  decision?: { status: string; reason?: string; decidedAt: number };
}

/**
 * The per-customer limits (3 open holds, 2 overlapping by default) stay as configured: each customer's
 * ledger (what counts against them) is written by every booking, so a customer with hundreds of open
 * requests, which the limits never allow, would measure an item no real customer has. Requests go to
 * customers in turn, about 3 each by default; the few a customer's overlapping requests exceed are
 * refused with a 409 before anything is decided (reported as not accepted).
 */
const LIMITS_SET = ['BOOKING_MAX_LIVE_HOLDS', 'BOOKING_MAX_OVERLAPPING'].filter((name) => process.env[name]);

const main = async (): Promise<number> => {
  const workerLog: string[] = [];
  const runtimeStarted = performance.now();
  const runtime: LocalRuntime = await startLocalRuntime({
    port: 0,
    seedDemoFleet: false,
    accessLog: false,
    // One client address for every request: the firewall's per-IP limits would be what is measured.
    perIpLimits: false,
    log: (line) => workerLog.push(line),
  });
  const api = runtime.url;
  console.log(`Local runtime up in ${((performance.now() - runtimeStarted) / 1000).toFixed(1)} s at ${api} (in this process).`);
  console.log('WAF per-IP limits: off (all requests come from one address); stage and route throttles: on.');
  console.log(
    `Per-customer limits: ${LIMITS_SET.length ? LIMITS_SET.map((n) => `${n}=${process.env[n]}`).join(', ') : 'the defaults'}; ${CUSTOMERS} customers, about ${Math.ceil(REQUESTS / CUSTOMERS)} requests each.`,
  );
  const raw = new DynamoDBClient(clientConfig(runtime.env.AWS_ENDPOINT_URL_DYNAMODB));
  // Reads for checking go through their own client, so they are not metered with the system's writes.
  const reader = DynamoDBDocumentClient.from(raw);
  const reservationsTable = tableName('reservations');
  const carsTable = tableName('cars');
  let exit = 0;
  try {
    instrument();

    // Cars, through the use case POST /v1/cars runs.
    const setupStarted = performance.now();
    const deps = { cars: carRepository(), cache: fleetCache(), clock, newId: () => randomUUID() };
    const carIds: string[] = new Array(CARS);
    let nextCar = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (nextCar < CARS) {
          const i = nextCar++;
          carIds[i] = await createCar(deps, {
            make: 'Bench',
            model: `Model ${i}`,
            year: 2022,
            type: CAR_TYPES[i % CAR_TYPES.length],
            location: LOCATIONS[i % LOCATIONS.length],
            pricePerDayMinor: 4000 + (i % 10) * 500,
            seats: 5,
            transmission: 'AUTOMATIC',
            fuel: 'PETROL',
          });
        }
      }),
    );

    // Customers: registration is throttled (10/s, burst 20); 429s are retried after their Retry-After.
    const run = Date.now().toString(36);
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      tokens.push(await newCustomer(api, `${run}-${i}`));
    }
    const throttledInSetup = stats.throttled;
    Object.assign(stats, { throttled: 0, throttledRequests: 0 });
    console.log(`Setup: ${CARS} cars and ${CUSTOMERS} customers in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s.`);

    const carLocations = carIds.map((_, i) => LOCATIONS[i % LOCATIONS.length]);
    const requests = plan(carLocations);
    const share = collidingShare(requests);
    const v1Count = requests.filter((r) => r.v1).length;
    console.log(
      `Plan: ${requests.length} requests over ${CARS} cars (${requests.length - v1Count} v2 with times, ${v1Count} v1 with days), ` +
        `${(share * 100).toFixed(1)}% of them overlap another request for the same car (turnaround included), ` +
        `${requests.filter((r) => r.acrossMonths).length} span a month boundary; lengths ${LENGTH_BUCKETS.map(
          (b, i) => `${b.label} ${requests.filter((r) => bucketOf(r.minutes) === i).length}`,
        ).join(', ')}; ${CONCURRENCY} in flight, ${RATE > 0 ? `paced at ${RATE}/s` : 'unpaced'}.`,
    );
    const v2Api = api.replace(/\/v1$/, '/v2');

    // The write-capacity model starts from the cars as they are (their blocks grow with each booking).
    meter.model = new WriteCapacityModel((def) => process.env[def.envVar] ?? def.id);
    for (let i = 0; i < carIds.length; i += 100) {
      let keys = carIds.slice(i, i + 100).map((id) => ({ pk: `CAR#${id}`, sk: 'CAR' }));
      while (keys.length) {
        const res = await reader.send(new BatchGetCommand({ RequestItems: { [carsTable]: { Keys: keys, ConsistentRead: true } } }));
        meter.model.seed(carsTable, res.Responses?.[carsTable] ?? []);
        keys = (res.UnprocessedKeys?.[carsTable]?.Keys ?? []) as typeof keys;
      }
    }

    // The booking requests.
    meter.on = true;
    const eluStart = perf.eventLoopUtilization();
    const loadAtStart = loadavg()[0];
    const cpuStart = process.cpuUsage();
    const sent: Sent[] = [];
    const firstSend = Date.now();
    let cursor = 0;
    let progressAt = Date.now();
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, requests.length) }, async () => {
        while (cursor < requests.length) {
          const i = cursor++;
          if (RATE > 0) {
            const due = firstSend + (i * 1000) / RATE;
            if (due > Date.now()) await sleep(due - Date.now());
          }
          const r = requests[i];
          const zone = locationProfile(carLocations[r.car]).timeZone;
          const res = r.v1
            ? await postJson(`${api}/reservations`, { carId: carIds[r.car], ...r.v1 }, tokens[r.customer])
            : await postJson(
                `${v2Api}/reservations`,
                { carId: carIds[r.car], pickupAt: localTime(r.pickupMs, zone), returnAt: localTime(r.returnMs, zone) },
                tokens[r.customer],
              );
          const accepted = res.status === 202 || res.status === 201;
          if (!accepted)
            stats.errors.set(
              `${res.status} ${res.body?.error?.code ?? ''}`,
              (stats.errors.get(`${res.status} ${res.body?.error?.code ?? ''}`) ?? 0) + 1,
            );
          sent.push({
            ...r,
            reservationId: accepted ? res.body.reservationId : undefined,
            sentAt: res.sentAt,
            status: res.status,
            postMs: res.ms,
          });
          if (Date.now() - progressAt > 10_000) {
            progressAt = Date.now();
            console.log(`  ... ${sent.length} sent`);
          }
        }
      }),
    );
    const lastSend = Date.now();
    const accepted = sent.filter((s) => s.reservationId);
    const replays = accepted.length - new Set(accepted.map((s) => s.reservationId)).size;

    // Wait for the decisions, reading the reservations strongly consistently (only those not yet decided),
    // every 2 s: the decision time comes from each reservation's updatedAt, not from when it was read.
    const byId = new Map(accepted.map((s) => [s.reservationId!, s]));
    const undecided = new Set(byId.keys());
    const deadline = Date.now() + DECIDE_TIMEOUT_MS;
    progressAt = Date.now();
    while (undecided.size && Date.now() < deadline) {
      const ids = [...undecided];
      for (let i = 0; i < ids.length; i += 100) {
        const res = await reader.send(
          new BatchGetCommand({
            RequestItems: {
              [reservationsTable]: {
                Keys: ids.slice(i, i + 100).map(reservationKey),
                ConsistentRead: true,
                ProjectionExpression: 'reservationId, #status, #reason, updatedAt',
                ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
              },
            },
          }),
        );
        for (const item of res.Responses?.[reservationsTable] ?? []) {
          if (item.status === 'Requested') continue;
          const s = byId.get(String(item.reservationId))!;
          s.decision = {
            status: String(item.status),
            reason: item.reason as string | undefined,
            decidedAt: Date.parse(String(item.updatedAt)),
          };
          undecided.delete(String(item.reservationId));
        }
        // Unprocessed keys are simply read again in the next round.
      }
      if (Date.now() - progressAt > 10_000) {
        progressAt = Date.now();
        console.log(`  ... ${byId.size - undecided.size}/${byId.size} decided`);
      }
      if (undecided.size) await sleep(2000);
    }
    const waitedMs = Date.now() - lastSend;
    meter.on = false;
    const elu = perf.eventLoopUtilization(eluStart);
    const cpu = process.cpuUsage(cpuStart);

    // Overbookings, from the tables themselves: every reservation of each car (byCarKeys index), and each car's calendar.
    const held = new Map<string, Item[]>();
    let requestedLeft = 0;
    let tableReservations = 0;
    for (const carId of carIds) {
      // The index has keys only: the items themselves, read strongly.
      const keys = await queryAll(reader, {
        TableName: reservationsTable,
        IndexName: BY_CAR,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `CAR#${carId}` },
      });
      const items = await getInOrder(reader, reservationsTable, keys as Array<{ pk: string; sk: string }>);
      tableReservations += items.length;
      requestedLeft += items.filter((i) => i.status === 'Requested').length;
      held.set(
        carId,
        items.filter((i) => i.status === 'Pending' || i.status === 'Confirmed'),
      );
    }
    let overlapping = 0;
    let foreignLocks = 0;
    const calendars = new DynamoCarRepository(reader, carsTable);
    for (const [carId, list] of held) {
      const intervals = list.map((r) => intervalOf(fromReservationItem(r)));
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) if (occupies(intervals[i], intervals[j])) overlapping++;
      // Each held reservation must be on its car's calendar, on its own interval (what the next hold is judged on).
      const blocks = new Map(((await calendars.get(carId, true))?.blocks ?? []).map((b) => [b.id, b]));
      list.forEach((r, i) => {
        const block = blocks.get(String(r.reservationId));
        if (!block || block.fromMs !== intervals[i].fromMs || block.readyMs !== intervals[i].readyMs) foreignLocks++;
      });
    }
    const overbookings = overlapping + foreignLocks;

    // Figures.
    const decided = accepted.filter((s) => s.decision);
    const heldCount = decided.filter((s) => s.decision!.status === 'Pending').length;
    const reasons = new Map<string, number>();
    for (const s of decided)
      if (s.decision!.status === 'Rejected') reasons.set(s.decision!.reason ?? '?', (reasons.get(s.decision!.reason ?? '?') ?? 0) + 1);
    const rejected = decided.length - heldCount;
    const decisionMs = decided.map((s) => s.decision!.decidedAt - s.sentAt);
    const lastDecision = Math.max(...decided.map((s) => s.decision!.decidedAt));
    const avgHours = decided.reduce((n, s) => n + s.minutes, 0) / 60 / Math.max(1, decided.length);
    const billedTotal = Object.values(meter.billed).reduce((n, c) => n + sum(c), 0);
    const billedIndexes = Object.values(meter.billed).reduce((n, c) => n + indexSum(c), 0);
    const reportedTotal = Object.values(meter.reported).reduce((n, c) => n + sum(c), 0);
    const per = (wcu: number) => wcu / Math.max(1, decided.length);
    const perBooking = per(billedTotal);
    /** Decided bookings of a selection: how many, their mean WCU (the writes of each: its reservation, its car's calendar, its customer's ledger), and how many above the target. */
    const wcuOf = (list: Sent[]) => {
      const wcu = list.map((s) => meter.byReservation.get(s.reservationId!) ?? 0);
      return {
        n: list.length,
        wcu: wcu.reduce((a, b) => a + b, 0) / Math.max(1, list.length),
        max: Math.max(0, ...wcu),
        over: wcu.filter((w) => w > TARGET_WCU).length,
      };
    };
    const perOutcome = (status: string) => wcuOf(decided.filter((s) => s.decision!.status === status));
    const heldWcu = perOutcome('Pending');
    const rejectedWcu = perOutcome('Rejected');
    const byLength = LENGTH_BUCKETS.map((b, i) => {
      const list = decided.filter((s) => bucketOf(s.minutes) === i);
      return { label: b.label, all: wcuOf(list), held: wcuOf(list.filter((s) => s.decision!.status === 'Pending')) };
    });
    const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
    const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;

    console.log('\n== Booking benchmark ==');
    console.log(
      `requests sent                ${sent.length} (${accepted.length} accepted with 202, ${replays} replays of an earlier request)`,
    );
    if (stats.errors.size) console.log(`  not accepted               ${[...stats.errors].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    console.log(
      `throttled (429)              ${stats.throttled} answers to ${stats.throttledRequests} requests, each retried after its Retry-After (${throttledInSetup} during setup); other retries ${stats.retried}`,
    );
    console.log(
      `accepted per second          ${fmt((accepted.length / (lastSend - firstSend)) * 1000)} /s  (over ${secs(lastSend - firstSend)})`,
    );
    console.log(
      `decisions per second         ${fmt((decided.length / (lastDecision - firstSend)) * 1000)} /s  (${decided.length} decisions, first request to last decision ${secs(lastDecision - firstSend)})`,
    );
    console.log(
      `request -> decision          p50 ${secs(percentile(decisionMs, 50))}, p95 ${secs(percentile(decisionMs, 95))}, max ${secs(Math.max(...decisionMs))}`,
    );
    console.log(
      `POST /reservations latency   p50 ${fmt(
        percentile(
          sent.map((s) => s.postMs),
          50,
        ),
      )} ms, p95 ${fmt(
        percentile(
          sent.map((s) => s.postMs),
          95,
        ),
      )} ms`,
    );
    console.log(`last request -> last decision ${secs(lastDecision - lastSend)}  (queue drain after the last send)`);
    console.log(
      `this process (client, API, handlers, queue pollers): event loop ${fmt(elu.utilization * 100, 0)}% busy, ` +
        `CPU ${fmt((cpu.user + cpu.system) / 10 / (elu.active + elu.idle), 0)}% of one core (the machine has ${availableParallelism()}; DynamoDB Local, fauxqs, cognito-local and PGlite run beside it)`,
    );
    console.log(
      `machine load average (1 min) ${fmt(loadAtStart, 2)} at the first request, ${fmt(loadavg()[0], 2)} at the end, on ${availableParallelism()} cores`,
    );
    const calls = Object.entries(meter.latency)
      .filter(([, v]) => v.length >= 20)
      .map(([name, v]) => `${name.replace('Command', '')} ${fmt(percentile(v, 50))}/${fmt(percentile(v, 95))}`)
      .join(', ');
    console.log(`DynamoDB calls p50/p95 ms    ${calls}`);
    console.log(
      `outcomes                     ${heldCount} held (Pending), ${rejected} rejected (${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`,
    );
    console.log(
      `overbookings                 ${overbookings}  (${overlapping} overlapping held pairs, ${foreignLocks} held reservations not on their car's calendar; target 0)`,
    );
    console.log(
      `undecided                    ${undecided.size} of the accepted after waiting ${secs(waitedMs)}, ${requestedLeft} Requested in the table (${tableReservations} reservations there; target 0)`,
    );

    const cap = (c: Capacity) => {
      const gsis = Object.entries(c.indexes)
        .map(([name, n]) => `${name} ${fmt(n, 0)}`)
        .join(', ');
      return `${fmt(sum(c), 0).padStart(7)} WCU (table ${fmt(c.table, 0)}${gsis ? `; indexes ${gsis}` : ''})`;
    };
    console.log('\n-- DynamoDB writes during the run: every write of the shared document client, metered by an SDK middleware --');
    console.log(
      "billed = DynamoDB's rules applied to each item written (bench/write-capacity.ts); Local = ReturnConsumedCapacity=INDEXES from DynamoDB Local",
    );
    for (const table of Object.keys({ ...meter.billed, ...meter.reported })) {
      console.log(`${table.padEnd(13)} billed ${cap(meter.billed[table] ?? emptyCapacity())}`);
      console.log(`${''.padEnd(13)} Local  ${cap(meter.reported[table] ?? emptyCapacity())}`);
    }
    console.log('by write                     calls  billed WCU (per committed call)   Local WCU');
    for (const [kind, k] of Object.entries(meter.byKind).sort((a, b) => sum(b[1].billed) - sum(a[1].billed))) {
      console.log(
        `  ${kind.padEnd(24)} ${String(k.calls).padStart(6)}  ${fmt(sum(k.billed), 0).padStart(8)} (${fmt(sum(k.billed) / Math.max(1, k.committed), 1).padStart(5)}: table ${fmt(k.billed.table / Math.max(1, k.committed), 1)} + indexes ${fmt(indexSum(k.billed) / Math.max(1, k.committed), 1)})  ${fmt(k.reported, 0).padStart(8)}` +
          (k.cancelled ? `   ${k.cancelled} cancelled (would be ${fmt(k.cancelledEstimate, 0)} if billed)` : ''),
      );
    }
    if (meter.model.unknownItems || meter.model.unsupported) {
      console.log(
        `  (model: ${meter.model.unknownItems} writes to items it had not seen, ${meter.model.unsupported} update expressions it could not apply)`,
      );
    }
    console.log(
      `WCU per decided booking      ${fmt(perBooking, 2)} billed (table ${fmt(per(billedTotal - billedIndexes), 2)} + indexes ${fmt(per(billedIndexes), 2)}); ` +
        `average rental ${fmt(avgHours, 1)} h; target <= ${TARGET_WCU} for any length: ${perBooking <= TARGET_WCU && byLength.every((b) => b.all.wcu <= TARGET_WCU) ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  held bookings              ${fmt(heldWcu.wcu, 2)} WCU each (max ${fmt(heldWcu.max, 0)}); ${heldWcu.over}/${heldWcu.n} over the target`,
    );
    console.log(
      `  rejected bookings          ${fmt(rejectedWcu.wcu, 2)} WCU each (max ${fmt(rejectedWcu.max, 0)}); ${rejectedWcu.over}/${rejectedWcu.n} over the target`,
    );
    console.log('  by rental length           decided  WCU each (held only)   the writes of each: reservation, car calendar, ledger');
    for (const b of byLength)
      console.log(
        `    ${b.label.padEnd(24)} ${String(b.all.n).padStart(5)}  ${fmt(b.all.wcu, 2).padStart(8)} (${fmt(b.held.wcu, 2)} over ${b.held.n} held)`,
      );
    console.log(
      `  variants                   ${fmt(per(billedTotal + billedIndexes), 2)} if index writes of a transaction are doubled too (as DynamoDB Local counts them); ${fmt(per(reportedTotal), 2)} as DynamoDB Local reports it (it rounds a transaction's items of one table up together, not each item)`,
    );
    console.log(
      `  cancelled transactions     ${meter.cancelled}: nothing written, no capacity reported by DynamoDB Local; if AWS bills them like committed ones, +${fmt(per(meter.cancelledEstimate), 2)} WCU per booking`,
    );
    const price = (wcu: number) => `$${fmt(wcu * WRU_PRICE, 2)}`;
    console.log(
      `cost per million bookings    ${price(perBooking)} in writes (${price(perBooking + per(meter.cancelledEstimate))} with cancelled transactions, ${price(per(billedTotal + billedIndexes + meter.cancelledEstimate))} with doubled index writes too), ` +
        `at $${WRU_PRICE} per million write request units: DynamoDB on-demand, us-east-1, standard table class, the price since the Nov 2024 cut (an assumption to verify on aws.amazon.com/dynamodb/pricing)`,
    );
    writeCosts({
      bench: 'booking',
      size: { requests: REQUESTS, cars: CARS, customers: CUSTOMERS, contention: CONTENTION, rate: RATE, decided: decided.length },
      perRequest: {
        // Every write and read of the run over the decided bookings: request, decision, ledger, calendar.
        'booking (decided)': {
          ...Object.fromEntries(
            Object.entries(meter.billed).flatMap(([table, c]) => [
              [`wcu.${table}`, per(c.table)],
              ...Object.entries(c.indexes).map(([index, n]) => [`wcu.${table}.${index}`, per(n)]),
            ]),
          ),
          ...Object.fromEntries(Object.entries(meter.read).map(([table, n]) => [`rcu.${table}`, per(n)])),
          wcu: perBooking,
          rcu: per(Object.values(meter.read).reduce((a, b) => a + b, 0)),
          postP50Ms: percentile(
            sent.map((s) => s.postMs),
            50,
          ),
          decisionP50Ms: percentile(decisionMs, 50),
        },
      },
    });
    const errors = workerLog.filter((l) => !/ready in/.test(l));
    if (errors.length) console.log(`\nruntime log (${errors.length} lines), first ones:\n  ${errors.slice(0, 5).join('\n  ')}`);

    if (overbookings > 0) {
      console.error(`FAIL: ${overbookings} overbookings`);
      exit = 1;
    }
    if (undecided.size > 0 || requestedLeft > 0) {
      console.error(`FAIL: ${Math.max(undecided.size, requestedLeft)} requests left undecided`);
      exit = 1;
    }
    const serverErrors = [...stats.errors].filter(([key]) => Number(key.split(' ')[0]) >= 500).reduce((n, [, v]) => n + v, 0);
    if (serverErrors > 0) {
      console.error(`FAIL: ${serverErrors} requests answered 5xx`);
      exit = 1;
    }
    if (accepted.length === 0) {
      console.error('FAIL: no request was accepted');
      exit = 1;
    }
  } finally {
    raw.destroy();
    await runtime.stop();
  }
  return exit;
};

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
