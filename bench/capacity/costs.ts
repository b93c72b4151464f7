/**
 * Per-request costs for the model: the benches' measurements (bench/results/costs-*.json, written by
 * bench:search and bench:booking) where there are some, else figures derived from the code and the
 * per-write table of docs/performance.md, each saying which. Capacity units and Redis commands are
 * taken from the benches; Lambda times are not (the benches' latencies on a shared 2-core machine
 * measure its load, not a function's time): they stay the estimates below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeasuredCosts } from '../costs';
import { TYPED_SEARCH_SHARE, type CostKind, type RequestCost } from './inputs';

export type CostTable = Record<CostKind | 'searchHit' | 'carDetailsHit', RequestCost>;

const base: RequestCost = {
  rcu: {},
  wcu: {},
  locationIndexWcu: 0,
  locationIndexRcuPerMiss: 0,
  redisCommands: 0,
  fifoMessages: 0,
  standardMessages: 0,
  sqlStatements: 0,
  lambdaMs: 20,
  memoryMb: 512,
  source: 'estimate',
};
const cost = (c: Partial<RequestCost>): RequestCost => ({ ...base, ...c });

/** Without measurements: from the code (one GetItem, a page of Queries, the booking's writes of docs/performance.md). */
export const DERIVED_COSTS: CostTable = {
  search: cost({
    rcu: { 'cars.byLocation': 4 },
    locationIndexRcuPerMiss: 4,
    redisCommands: 3,
    lambdaMs: 30,
    memoryMb: 1024,
    source: 'code: a Query per shard of the type, GET generation + GET page + SET page',
  }),
  searchHit: cost({ redisCommands: 2, lambdaMs: 3, memoryMb: 1024, source: 'code: GET generation + GET page' }),
  carDetails: cost({ rcu: { cars: 0.5 }, redisCommands: 3, lambdaMs: 10, source: 'code: GetItem (eventually consistent, < 4 KB)' }),
  carDetailsHit: cost({ redisCommands: 2, lambdaMs: 3, source: 'code: GET generation + GET details' }),
  locations: cost({ rcu: { cars: 1 }, lambdaMs: 10, source: 'code: one Query of the LOCATIONS item collection' }),
  booking: cost({
    rcu: { cars: 1, reservations: 1 },
    wcu: { reservations: 5, 'reservations.indexes': 3, cars: 1, 'cars.byLocation': 1 },
    locationIndexWcu: 1,
    redisCommands: 3,
    fifoMessages: 1,
    standardMessages: 2,
    lambdaMs: 80,
    source: 'docs/performance.md per-write table (9 WCU a held booking)',
  }),
  cancel: cost({
    rcu: { reservations: 1 },
    wcu: { reservations: 2, cars: 1, 'cars.byLocation': 1, ledger: 1 },
    locationIndexWcu: 1,
    redisCommands: 1,
    standardMessages: 2,
    lambdaMs: 40,
    source: 'estimate: status change, the block off the calendar and its index copy, the ledger',
  }),
  carEdit: cost({
    rcu: { cars: 1 },
    wcu: { cars: 2, 'cars.byLocation': 2 },
    locationIndexWcu: 2,
    redisCommands: 2,
    lambdaMs: 40,
    source: 'estimate: the car item (2 KB with its calendar) and its index copy',
  }),
  signIn: cost({ redisCommands: 2, lambdaMs: 150, source: 'code: the sign-in counters (EVAL x2); Cognito is outside the model' }),
  payment: cost({
    rcu: { reservations: 1 },
    sqlStatements: 6,
    standardMessages: 1,
    lambdaMs: 60,
    source: 'bench:payments: 6 statements per payment (docs/performance.md)',
  }),
  other: cost({ rcu: { reservations: 2 }, lambdaMs: 20, source: 'estimate: a Query of the customer index and its items' }),
};

const readCosts = (dir: string, bench: string): MeasuredCosts | undefined => {
  const file = join(dir, `costs-${bench}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MeasuredCosts) : undefined;
};

const when = (m: MeasuredCosts) => `bench:${m.bench} ${m.measuredAt.slice(0, 16)}Z, load ${m.load[0]} on ${m.cpus} cores`;

/** The derived table with each measured figure put in its place. */
export const loadCosts = (dir = join(__dirname, '..', 'results')): { costs: CostTable; measured: MeasuredCosts[] } => {
  const costs: CostTable = structuredClone(DERIVED_COSTS);
  const measured: MeasuredCosts[] = [];

  const search = readCosts(dir, 'search');
  const typed = search?.perRequest['type, cold cache'];
  const allTypes = search?.perRequest['all types, cold'];
  const hit = search?.perRequest['type, warm cache'];
  if (search && typed && allTypes && hit) {
    measured.push(search);
    const missRcu = TYPED_SEARCH_SHARE * typed.rcu + (1 - TYPED_SEARCH_SHARE) * allTypes.rcu;
    costs.search = {
      ...costs.search,
      rcu: { 'cars.byLocation': missRcu },
      locationIndexRcuPerMiss: missRcu,
      redisCommands: typed.redisCommands,
      source: `${when(search)}: ${search.size.cars} cars, cold searches, ${TYPED_SEARCH_SHARE * 100}% of one type (${typed.rcu.toFixed(2)} RCU), the rest all types (${allTypes.rcu.toFixed(2)})`,
    };
    costs.searchHit = {
      ...costs.searchHit,
      redisCommands: hit.redisCommands,
      source: `${when(search)}: warm search`,
    };
  }

  const booking = readCosts(dir, 'booking');
  const decided = booking?.perRequest['booking (decided)'];
  if (booking && decided) {
    measured.push(booking);
    const pick = (prefix: 'wcu.' | 'rcu.') =>
      Object.fromEntries(Object.entries(decided).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])));
    const wcu = pick('wcu.');
    costs.booking = {
      ...costs.booking,
      rcu: pick('rcu.'),
      wcu,
      locationIndexWcu: Object.entries(wcu).find(([k]) => k.endsWith('.byLocation'))?.[1] ?? costs.booking.locationIndexWcu,
      source: `${when(booking)}: ${booking.size.decided} decided bookings over ${booking.size.cars} cars`,
    };
  }
  return { costs, measured };
};
