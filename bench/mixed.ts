/**
 * `npm run bench:mixed`: the seed's mix against the local runtime (in this process), once per search
 * cache invalidation scheme, side by side: 80% searches (GET /v1/cars over a realistic set of query keys:
 * a few locations, start days and lengths, with or without a type, popular ones more often) and 20%
 * writes (bookings for the same locations and days, cancels of held bookings, car edits). Per scheme it
 * prints the search cache hit rate, search p50/p95, the write rate, and a correctness check over the
 * whole run: a car held for a period is never shown available for it by a search sent after the
 * client saw the hold's decision (status Pending) and answered before the client sent its cancel.
 * Allowed staleness: none for `calendar`; STALE_WINDOW_MS (1 s) after the client saw the decision for
 * the page schemes, whose decider invalidated after its Pending write (shown apart as `in window`).
 *
 * Schemes (lambdas/adapters/fleet/cache.ts): `location`, every change bumps the location's generation;
 * `day`, a calendar change bumps the generations of the days it touches (both cache whole pages: the
 * former designs); `calendar` (the default), runs of candidates per location and filters, which only car
 * edits invalidate, and each car's calendar apart, which only its own bookings do. Each run uses days
 * 120 days after the previous one's, so each starts from empty calendars for its days.
 *
 * Hit rates, two ways: per search request (a hit: the run of candidates and every calendar came from
 * Redis; one calendar refetched out of 40 makes the request a miss) and, for `calendar`, per calendar
 * read (what DynamoDB is spared), with the reasons of the misses (RedisFleetCache.calendarReads).
 *
 * Scale: BENCH_OPS (2000 per scheme), BENCH_CARS (60), BENCH_CONCURRENCY (8), BENCH_WRITE_SHARE (0.2),
 * BENCH_LIMIT (the search's page size, 20), BENCH_SCHEMES (location,day,calendar), BENCH_BOOK (`shown`:
 * a booking takes a car that a search of its window showed, near the top of the page, as a customer
 * does; `any`: a car of its location at random).
 * Exits 1 on a violation, a 5xx, or (outside a smoke run) no search at all.
 */
import { randomUUID } from 'node:crypto';
import '../local/runtime-env';
import '../bin/support/quiet-sdk-warnings';
import { loadavg } from 'node:os';
import { upcomingReservations } from '../lambdas/adapters/bookings';
import { carRepository } from '../lambdas/adapters/fleet';
import { fleetCache, useSearchCacheScheme } from '../lambdas/adapters/redis-backed';
import type { RedisFleetCache, SearchCacheScheme } from '../lambdas/adapters/fleet/cache';
import { clock } from '../lambdas/shared/clock';
import type { CarType, LocationCode } from '../lambdas/domain/fleet/catalog';
import { createCar, updateCar } from '../lambdas/domain/fleet/manage-cars';
import { dayInterval, occupies, type Interval } from '../lambdas/domain/fleet/interval';
import { startLocalRuntime } from '../local/main';
import { call, newCustomer, postJson, sleep, stats } from './http-client';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const OPS = num('BENCH_OPS', 2000);
const CARS = num('BENCH_CARS', 60);
const CONCURRENCY = num('BENCH_CONCURRENCY', 8);
const WRITE_SHARE = num('BENCH_WRITE_SHARE', 0.2);
const LIMIT = num('BENCH_LIMIT', 20);
const BOOK: 'shown' | 'any' = process.env.BENCH_BOOK === 'any' ? 'any' : 'shown';
const LOCATIONS: LocationCode[] = ['LAX', 'JFK', 'ORD'];
const TYPES: CarType[] = ['SEDAN', 'SUV'];
/** Start days ahead, and lengths in days: what people search for (and then book). */
const START_DAYS = [3, 5, 7, 10, 14, 21];
const LENGTHS = [2, 3, 5];
const SCHEMES = (process.env.BENCH_SCHEMES ?? 'location,day,calendar').split(',') as SearchCacheScheme[];
const DAY_MS = 86_400_000;
/**
 * The staleness allowed for the page schemes: their decider wrote the reservation Pending and then
 * invalidated the cache, so a search sent in between (milliseconds, more on a loaded machine) could still
 * get the page from before the hold. Shown apart, never a failure; anything later is a violation. The
 * `calendar` scheme announces the hold before writing it (FleetCache.calendarChanging): no window.
 */
const STALE_WINDOW_MS = 1000;
const staleWindowOf = (scheme: SearchCacheScheme) => (scheme === 'calendar' ? 0 : STALE_WINDOW_MS);

// The per-customer limits (3 open holds) would refuse most of one customer's bookings: the run measures caching, not them.
process.env.BOOKING_MAX_LIVE_HOLDS ??= '100000';
process.env.BOOKING_MAX_OVERLAPPING ??= '100000';

let seed = 11;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
/** Popular first: index i of n with weight falling off (a square of a uniform). */
const skewed = <T>(list: readonly T[]): T => list[Math.floor(rand() ** 2 * list.length)];
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Window {
  location: LocationCode;
  startDate: string;
  endDate: string;
  interval: Interval;
}
const windowOf = (offsetDays: number): Window => {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const start = today + (offsetDays + skewed(START_DAYS)) * DAY_MS;
  const period = { startDate: utcDay(start), endDate: utcDay(start + skewed(LENGTHS) * DAY_MS) };
  return { location: skewed(LOCATIONS), ...period, interval: dayInterval(period) };
};

interface Hold {
  reservationId: string;
  carId: string;
  location: LocationCode;
  interval: Interval;
  /** When the client saw it Pending, and when it sent its cancel (the car may show again after). */
  seenAt?: number;
  cancelSentAt?: number;
}

interface Result {
  scheme: SearchCacheScheme;
  searches: number;
  hits: number;
  /** First searches of a query key in the run: misses no scheme avoids (at the seed's volume they vanish). */
  firstOfKey: number;
  latencies: number[];
  writes: number;
  bookings: { held: number; rejected: number };
  cancels: number;
  edits: number;
  seconds: number;
  checked: number;
  violations: number;
  /** Held cars shown within STALE_WINDOW_MS of the client seeing the hold: allowed (see above). */
  withinWindow: number;
  /** Of the violations: ms from the client seeing the hold to the search being sent, and whether the page was a cache hit. */
  lags: Array<{ ms: number; hit: boolean; reservationId: string }>;
  serverErrors: number;
  /** `calendar` only: the calendar reads and runs of candidates of its searches (RedisFleetCache counters over the run). */
  calendarReads?: RedisFleetCache['calendarReads'];
  candidateRuns?: RedisFleetCache['candidateRuns'];
}

/** What a counter object gained between two snapshots. */
const gained = <T extends Record<string, number>>(before: T, after: T): T =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k]])) as T;

const main = async (): Promise<number> => {
  const runtime = await startLocalRuntime({ port: 0, seedDemoFleet: false, accessLog: false, perIpLimits: false, log: () => undefined });
  const api = runtime.url;
  try {
    const deps = { cars: carRepository(), cache: fleetCache(), reservations: upcomingReservations(), clock, newId: () => randomUUID() };
    const cars: Array<{ carId: string; location: LocationCode; type: CarType; spec: Parameters<typeof createCar>[1] }> = [];
    for (let i = 0; i < CARS; i++) {
      const spec = {
        make: 'Bench',
        model: `Mixed ${i}`,
        year: 2022,
        type: TYPES[i % TYPES.length],
        location: LOCATIONS[i % LOCATIONS.length],
        pricePerDayMinor: 4000 + (i % 7) * 500,
        seats: 5,
        transmission: 'AUTOMATIC' as const,
        fuel: 'PETROL' as const,
      };
      cars.push({ carId: await createCar(deps, spec), location: spec.location, type: spec.type, spec });
    }
    const token = await newCustomer(api, `mixed-${Date.now().toString(36)}`);
    const auth = { authorization: `Bearer ${token}` };
    console.log(
      `Local runtime at ${api}: ${CARS} cars at ${LOCATIONS.join(', ')}; ${OPS} operations per scheme, ${CONCURRENCY} in flight, ${WRITE_SHARE * 100}% writes; searches of limit ${LIMIT}; bookings of ${BOOK === 'shown' ? 'cars shown by a search of their window' : 'any car of their location'}.`,
    );

    const byId = new Map(cars.map((c) => [c.carId, c]));
    const results: Result[] = [];
    for (const [n, scheme] of SCHEMES.entries()) {
      useSearchCacheScheme(scheme);
      const offset = n * 120;
      const r: Result = {
        scheme,
        searches: 0,
        hits: 0,
        firstOfKey: 0,
        latencies: [],
        writes: 0,
        bookings: { held: 0, rejected: 0 },
        cancels: 0,
        edits: 0,
        seconds: 0,
        checked: 0,
        violations: 0,
        withinWindow: 0,
        lags: [],
        serverErrors: 0,
      };
      const holds: Hold[] = [];
      const searches: Array<{ sentAt: number; answeredAt: number; window: Window; type?: CarType; carIds: Set<string>; hit: boolean }> = [];
      const watchers: Array<Promise<void>> = [];
      const tracked = new Set<string>();
      const keysSeen = new Set<string>();
      /** The latest page shown per window and type (BENCH_BOOK=shown books from it). */
      const shown = new Map<string, string[]>();
      const windowKey = (w: Window, type?: CarType) => `${w.location}/${w.startDate}/${w.endDate}/${type ?? ''}`;
      const calendarsBefore = { ...fleetCache().calendarReads };
      const runsBefore = { ...fleetCache().candidateRuns };

      /** Polls a reservation until it is decided, as a client would. */
      const watch = (hold: Hold) =>
        (async () => {
          for (let i = 0; i < 600; i++) {
            const res = await call(`${api}/reservations/${hold.reservationId}`, { headers: auth });
            const status = res.body?.status as string | undefined;
            if (status && status !== 'Requested') {
              if (status === 'Pending') {
                hold.seenAt = Date.now();
                r.bookings.held++;
                holds.push(hold);
              } else r.bookings.rejected++;
              return;
            }
            await sleep(100);
          }
        })();

      const one = async () => {
        if (rand() >= WRITE_SHARE) {
          const window = windowOf(offset);
          const type = rand() < 0.5 ? skewed(TYPES) : undefined;
          const query = new URLSearchParams({
            location: window.location,
            startDate: window.startDate,
            endDate: window.endDate,
            limit: String(LIMIT),
            ...(type ? { type } : {}),
          });
          const sentAt = Date.now();
          const started = performance.now();
          const res = await call(`${api}/cars?${query}`, {});
          r.latencies.push(performance.now() - started);
          if (res.status >= 500) r.serverErrors++;
          if (res.status !== 200) return;
          r.searches++;
          if (!keysSeen.has(query.toString())) {
            keysSeen.add(query.toString());
            r.firstOfKey++;
          }
          const hit = res.headers.get('x-cache') === 'hit';
          if (hit) r.hits++;
          const carIds = (res.body.cars as Array<{ carId: string }>).map((c) => c.carId);
          shown.set(windowKey(window, type), carIds);
          searches.push({ sentAt, answeredAt: Date.now(), window, type, hit, carIds: new Set(carIds) });
          return;
        }
        r.writes++;
        const kind = rand();
        const live = holds.filter((h) => h.cancelSentAt === undefined);
        if (kind < 0.2 && live.length) {
          const hold = live[Math.floor(rand() * live.length)];
          hold.cancelSentAt = Date.now();
          const res = await postJson(`${api}/reservations/${hold.reservationId}/cancel`, {}, token);
          if (res.status >= 500) r.serverErrors++;
          r.cancels++;
        } else if (kind < 0.3) {
          const car = cars[Math.floor(rand() * cars.length)];
          car.spec = { ...car.spec, pricePerDayMinor: car.spec.pricePerDayMinor + 100 };
          await updateCar(deps, car.carId, car.spec);
          r.edits++;
        } else {
          const window = windowOf(offset);
          const here = cars.filter((c) => c.location === window.location);
          const seen = BOOK === 'shown' ? (shown.get(windowKey(window)) ?? shown.get(windowKey(window, skewed(TYPES)))) : undefined;
          // From the top of the page (the cheapest), as customers do; a window no one searched yet: any car there.
          const car = seen?.length ? byId.get(skewed(seen))! : here[Math.floor(rand() * here.length)];
          const res = await postJson(
            `${api}/reservations`,
            { carId: car.carId, startDate: window.startDate, endDate: window.endDate },
            token,
          );
          if (res.status >= 500) r.serverErrors++;
          // The same car and days again within minutes is a replay of the earlier request (same reservation): followed once.
          const replay = tracked.has(res.body?.reservationId as string);
          if ((res.status === 202 || res.status === 201) && !replay) {
            tracked.add(res.body.reservationId as string);
            watchers.push(
              watch({
                reservationId: res.body.reservationId as string,
                carId: car.carId,
                location: window.location,
                interval: window.interval,
              }),
            );
          }
        }
      };

      const started = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < OPS) await one();
        }),
      );
      await Promise.all(watchers);
      r.seconds = (Date.now() - started) / 1000;

      if (scheme === 'calendar') {
        r.calendarReads = gained(calendarsBefore, fleetCache().calendarReads);
        r.candidateRuns = gained(runsBefore, fleetCache().candidateRuns);
      }
      // Every search sent after a hold was seen and answered before its cancel was sent, for its days,
      // location and type: the car must not be there (a search answered after a cancel may show it).
      for (const s of searches) {
        for (const h of holds) {
          if (h.location !== s.window.location || !occupies(h.interval, s.window.interval)) continue;
          if (s.type && byId.get(h.carId)!.type !== s.type) continue;
          if (s.sentAt <= h.seenAt! || (h.cancelSentAt !== undefined && s.answeredAt >= h.cancelSentAt)) continue;
          r.checked++;
          if (!s.carIds.has(h.carId)) continue;
          if (s.sentAt - h.seenAt! <= staleWindowOf(scheme)) r.withinWindow++;
          else r.violations++;
          r.lags.push({ ms: s.sentAt - h.seenAt!, hit: s.hit, reservationId: h.reservationId });
        }
      }
      results.push(r);
    }

    const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
    console.log(
      `\n== Mixed benchmark (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}) ==`,
    );
    console.log(
      [
        'scheme'.padEnd(10),
        'searches',
        'hit rate',
        'warm hits',
        'p50 ms',
        'p95 ms',
        'writes',
        'writes/s',
        'held',
        'rejected',
        'cancels',
        'edits',
        'checked',
        'in window',
        'violations',
      ]
        .map((h) => h.padStart(9))
        .join(' '),
    );
    for (const r of results) {
      console.log(
        [
          r.scheme.padEnd(10),
          r.searches,
          `${fmt((r.hits / Math.max(1, r.searches)) * 100)}%`,
          `${fmt((r.hits / Math.max(1, r.searches - r.firstOfKey)) * 100)}%`,
          fmt(percentile(r.latencies, 50)),
          fmt(percentile(r.latencies, 95)),
          r.writes,
          fmt(r.writes / r.seconds),
          r.bookings.held,
          r.bookings.rejected,
          r.cancels,
          r.edits,
          r.checked,
          r.withinWindow,
          r.violations,
        ]
          .map((v) => String(v).padStart(9))
          .join(' '),
      );
    }
    for (const r of results) {
      const c = r.calendarReads;
      const runs = r.candidateRuns;
      if (!c || !runs) continue;
      const reads = c.cached + c.absent + c.changing + c.claimed + c.failed;
      const underChange = c.announced ? `, ${c.announced} of them under an announced change` : '';
      const fromDb = reads - c.cached;
      console.log(
        `  ${r.scheme}, per calendar read: ${reads} reads, ${fmt((c.cached / Math.max(1, reads)) * 100)}% from Redis${underChange}; from DynamoDB ${fromDb} ` +
          `(${fmt(fromDb / Math.max(1, r.searches), 2)} per search; absent ${c.absent}, announced with no calendar kept ${c.changing}, claimed ${c.claimed}, Redis failed ${c.failed}). ` +
          `Runs of candidates: ${runs.cached + runs.read} looked up, ${fmt((runs.cached / Math.max(1, runs.cached + runs.read)) * 100)}% from Redis.`,
      );
    }
    for (const r of results.filter((x) => x.violations)) {
      const now = await Promise.all(
        r.lags.map(async (l) => (await call(`${api}/reservations/${l.reservationId}`, { headers: auth })).body?.status as string),
      );
      console.log(
        `  ${r.scheme}: violations sent ${r.lags.map((l, i) => `${l.ms} ms (${l.hit ? 'hit' : 'miss'}, now ${now[i]})`).join(', ')} after the client saw the hold`,
      );
    }
    console.log(
      `hit rate = searches served wholly from Redis (run and every calendar). read:write ${fmt((1 - WRITE_SHARE) / WRITE_SHARE)}:1; 429s retried after Retry-After: ${stats.throttled}. checked = (search, hold) pairs where the held car must not be shown; violations must be 0.`,
    );
    const failures = [
      ...results.filter((r) => r.violations > 0).map((r) => `${r.scheme}: ${r.violations} searches showed a held car`),
      ...results.filter((r) => r.serverErrors > 0).map((r) => `${r.scheme}: ${r.serverErrors} 5xx`),
      ...results.filter((r) => r.searches === 0).map((r) => `${r.scheme}: no search answered`),
    ];
    if (failures.length) console.error(`FAIL: ${failures.join('; ')}`);
    return failures.length ? 1 : 0;
  } finally {
    await runtime.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
