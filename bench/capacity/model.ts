/**
 * The capacity model: from the seed's figures, the per-request costs and a capacity profile, what each
 * AWS service sees at a given request rate, each figure against the limit that applies, and what a
 * month costs. Pure: no I/O (bench/capacity/report.ts prints it, test/unit/capacity tests it).
 */
import { SEARCH_SHARDS, searchShardsOf } from '../../lambdas/domain/fleet/search-keys';
import type { LocationCode } from '../../lambdas/domain/fleet/catalog';
import type { CapacityProfile } from '../../lib/capacity-profile';
import type { CostTable } from './costs';
import {
  CAR_BLOCK_BYTES,
  CAR_DETAILS_BYTES,
  CAR_ITEM_BASE_BYTES,
  LIMITS,
  MIX,
  MS_PER_STATEMENT,
  PRICES,
  REDIS_NODES,
  SEARCH_PAGE_BYTES,
  SEARCH_TTL_SECONDS,
  STATEMENTS_PER_ACU_SECOND,
  type Limit,
  type RequestCost,
  type RouteShare,
  type SeedFigures,
} from './inputs';

/** ok; QUOTA: over a default an increase request raises; HARD: over a limit nothing raises; PROFILE: the profile's own setting refuses it. */
export type Status = 'ok' | 'QUOTA' | 'HARD' | 'PROFILE';

export interface Row {
  section: string;
  item: string;
  value: number;
  unit: string;
  limit?: number;
  status: Status;
  note?: string;
}

export interface ModelInput {
  seed: SeedFigures;
  costs: CostTable;
  profile: CapacityProfile;
  /** Route throttle (requests/s) by capability, as the route table sets it (before the profile's scale). */
  routeThrottles: Record<string, number>;
  /** The busiest location: its search shards are the design knob of the hot-partition check. */
  hottestLocation: LocationCode;
  mix?: RouteShare[];
}

/** Requests/s: the seed's peak, or the average from daily users. */
export const requestRate = (seed: SeedFigures, load: 'average' | 'peak'): number =>
  load === 'peak' ? seed.peakRequestsPerSecond : (seed.dailyActiveUsers * seed.requestsPerUserPerDay) / 86_400;

/** A hot car gets this many times the average car's bookings (one popular model at the busiest place). */
const HOT_CAR_FACTOR = 20;
/** Minimum read units of one Query (eventually consistent): every search reads every shard of its location. */
const MIN_QUERY_RCU = 0.5;
/** Share of a node's memory Redis may use (the rest: reserved memory, fragmentation). */
const USABLE_MEMORY = 0.75;

const check = (value: number, limit: Limit): Status => (value <= limit.value ? 'ok' : limit.kind === 'hard' ? 'HARD' : 'QUOTA');

interface Part {
  route: RouteShare;
  rps: number;
  cost: RequestCost;
  /** The function this part runs in (a booking's decision runs in decideBooking). */
  capability: string;
  /** Of the cost's Lambda time, the part spent in this function. */
  lambdaShare: number;
}

/** Each route's requests split into what they cost: cache hits and misses apart, a booking's request and decision apart. */
const partsOf = (input: ModelInput, rps: number): Part[] => {
  const kb = carItemKb(input.seed);
  const costs = { ...input.costs, booking: withCarSize(input.costs.booking, kb), cancel: withCarSize(input.costs.cancel, kb) };
  return (input.mix ?? MIX).flatMap((route): Part[] => {
    const r = rps * route.share;
    const one = (cost: RequestCost, share = 1, capability = route.capability, lambdaShare = 1): Part => ({
      route,
      rps: r * share,
      cost,
      capability,
      lambdaShare,
    });
    if (route.kind === 'search') {
      const hit = input.seed.searchCacheHitRate;
      return [one(input.costs.searchHit, hit), one(input.costs.search, 1 - hit)];
    }
    if (route.kind === 'carDetails') {
      const hit = input.seed.carCacheHitRate;
      return [one(input.costs.carDetailsHit, hit), one(input.costs.carDetails, 1 - hit)];
    }
    if (route.kind === 'booking') {
      // The request's function and the decider share the measured time; the decider's rows carry no capacity twice.
      const decider = { ...costs.booking, rcu: {}, wcu: {}, locationIndexWcu: 0, redisCommands: 0, fifoMessages: 0, standardMessages: 0 };
      return [one(costs.booking, 1, route.capability, 0.5), one(decider, 1, 'decideBooking', 0.5)];
    }
    return [one(costs[route.kind])];
  });
};

const sum = (parts: Part[], f: (p: Part) => number) => parts.reduce((n, p) => n + f(p), 0);

/**
 * The car item's size at the seed's booking density: its calendar holds the blocks of the bookings
 * within the horizon. The benches measure writes on young cars (under 1 KB); a write of the item and of
 * its byLocation copy costs one WCU per KB, so their figures are scaled by the seed's size.
 */
export const carItemKb = (seed: SeedFigures): number => {
  const blocksAhead = (seed.bookingsPerMonth / seed.cars) * (seed.bookingHorizonDays / 30);
  return Math.ceil((CAR_ITEM_BASE_BYTES + blocksAhead * CAR_BLOCK_BYTES) / 1024);
};

/** A cost with its writes of the car item (and its index copy) at the seed's car size. */
const withCarSize = (cost: RequestCost, kb: number): RequestCost => ({
  ...cost,
  wcu: Object.fromEntries(Object.entries(cost.wcu).map(([k, v]) => [k, k === 'cars' || k === 'cars.byLocation' ? v * kb : v])),
  locationIndexWcu: cost.locationIndexWcu * kb,
});

/** Everything the model says at one request rate. */
export const modelAt = (input: ModelInput, rps: number): Row[] => {
  const { seed, profile } = input;
  const parts = partsOf(input, rps);
  const rows: Row[] = [];
  const add = (row: Row) => rows.push(row);

  // API Gateway: the account quota, the profile's stage throttle, each route's throttle.
  add({
    section: 'API Gateway',
    item: 'requests/s, all routes',
    value: rps,
    unit: '/s',
    limit: LIMITS.apiGatewayRps.value,
    status: check(rps, LIMITS.apiGatewayRps),
  });
  add({
    section: 'API Gateway',
    item: 'stage throttle (profile)',
    value: rps,
    unit: '/s',
    limit: profile.stageThrottle.rateLimit,
    status: rps <= profile.stageThrottle.rateLimit ? 'ok' : 'PROFILE',
  });
  for (const route of input.mix ?? MIX) {
    const r = rps * route.share;
    const throttle = Math.min(
      profile.stageThrottle.rateLimit,
      (input.routeThrottles[route.capability] ?? Infinity) * profile.routeThrottleScale,
    );
    add({ section: 'API Gateway', item: route.route, value: r, unit: '/s', limit: throttle, status: r <= throttle ? 'ok' : 'PROFILE' });
  }

  // Lambda: concurrency = arrival rate x time in the function (Little's law), per function and in all.
  const concurrency = new Map<string, number>();
  for (const p of parts)
    concurrency.set(p.capability, (concurrency.get(p.capability) ?? 0) + (p.rps * p.cost.lambdaMs * p.lambdaShare) / 1000);
  let total = 0;
  for (const [capability, c] of concurrency) {
    total += c;
    const reserved = profile.reservedConcurrency[capability];
    add({
      section: 'Lambda',
      item: `concurrency ${capability}`,
      value: c,
      unit: '',
      limit: reserved,
      status: reserved === undefined || c <= reserved ? 'ok' : 'PROFILE',
      note: reserved === undefined ? 'shared pool' : 'reserved',
    });
  }
  const reservedSum = Object.values(profile.reservedConcurrency).reduce((a, b) => a + b, 0);
  const unreservedNeed = [...concurrency].filter(([id]) => profile.reservedConcurrency[id] === undefined).reduce((n, [, c]) => n + c, 0);
  const accountNeed = reservedSum + Math.max(LIMITS.lambdaUnreserved.value, unreservedNeed);
  add({
    section: 'Lambda',
    item: 'concurrency, all functions',
    value: total,
    unit: '',
    limit: LIMITS.lambdaConcurrency.value,
    status: check(total, LIMITS.lambdaConcurrency),
  });
  add({
    section: 'Lambda',
    item: 'account quota to ask for (reserved + shared need)',
    value: accountNeed,
    unit: '',
    limit: LIMITS.lambdaConcurrency.value,
    status: check(accountNeed, LIMITS.lambdaConcurrency),
  });

  // DynamoDB, per table and index: on-demand table quotas.
  const units = (which: 'rcu' | 'wcu') => {
    const by = new Map<string, number>();
    for (const p of parts) for (const [k, v] of Object.entries(p.cost[which])) by.set(k, (by.get(k) ?? 0) + p.rps * v);
    return by;
  };
  for (const [which, limit] of [
    ['rcu', LIMITS.tableRru],
    ['wcu', LIMITS.tableWru],
  ] as const) {
    for (const [key, v] of [...units(which)].sort()) {
      add({
        section: 'DynamoDB',
        item: `${which.toUpperCase()} ${key}`,
        value: v,
        unit: '/s',
        limit: limit.value,
        status: check(v, limit),
      });
    }
  }

  // The hottest partition: the busiest location's shards of the byLocation index.
  const shards = searchShardsOf(input.hottestLocation);
  const hot = seed.hottestLocationShare;
  const searchMisses = sum(
    parts.filter((p) => p.route.kind === 'search' && p.cost === input.costs.search),
    (p) => p.rps,
  );
  // Every search Queries each shard of its location at least once (measured costs are at SEARCH_SHARDS).
  const partitionRcu = searchMisses * hot * Math.max(MIN_QUERY_RCU, input.costs.search.locationIndexRcuPerMiss / SEARCH_SHARDS);
  const partitionWcu = (sum(parts, (p) => p.rps * p.cost.locationIndexWcu) * hot) / shards;
  const where = `${input.hottestLocation} ${(hot * 100).toFixed(0)}%, ${shards} shards, ${carItemKb(seed)} KB cars`;
  add({
    section: 'DynamoDB',
    item: `RCU per byLocation partition (${where})`,
    value: partitionRcu,
    unit: '/s',
    limit: LIMITS.partitionRcu.value,
    status: check(partitionRcu, LIMITS.partitionRcu),
  });
  add({
    section: 'DynamoDB',
    item: `WCU per byLocation partition (${where})`,
    value: partitionWcu,
    unit: '/s',
    limit: LIMITS.partitionWcu.value,
    status: check(partitionWcu, LIMITS.partitionWcu),
  });
  const bookings = sum(
    parts.filter((p) => p.route.kind === 'booking' && p.capability !== 'decideBooking'),
    (p) => p.rps,
  );
  const hotCarBookings = (bookings / seed.cars) * HOT_CAR_FACTOR;
  const carWcu = hotCarBookings * carItemKb(seed) * 2;
  add({
    section: 'DynamoDB',
    item: `WCU on the hottest car item (${HOT_CAR_FACTOR}x the average car)`,
    value: carWcu,
    unit: '/s',
    limit: LIMITS.partitionWcu.value,
    status: check(carWcu, LIMITS.partitionWcu),
  });

  // SQS: the booking requests' FIFO queue (message group = car), and the standard queues of events.
  const fifo = sum(parts, (p) => p.rps * p.cost.fifoMessages);
  const fifoLimit = profile.fifoHighThroughput ? LIMITS.fifoHighThroughput : LIMITS.fifoQueue;
  add({
    section: 'SQS',
    item: `FIFO messages/s (${profile.fifoHighThroughput ? 'high throughput' : 'per queue'})`,
    value: fifo,
    unit: '/s',
    limit: fifoLimit.value,
    status: check(fifo, fifoLimit),
  });
  add({ section: 'SQS', item: 'FIFO message groups (cars)', value: seed.cars, unit: '', status: 'ok' });
  add({
    section: 'SQS',
    item: 'FIFO messages/s in the hottest group',
    value: hotCarBookings,
    unit: '/s',
    limit: LIMITS.fifoPerGroup.value,
    status: check(hotCarBookings, LIMITS.fifoPerGroup),
  });
  add({
    section: 'SQS',
    item: 'standard messages/s (events)',
    value: sum(parts, (p) => p.rps * p.cost.standardMessages),
    unit: '/s',
    status: 'ok',
  });

  // Redis: one primary takes every command; memory for the pages alive within their TTL, car details, counters.
  const node = REDIS_NODES[profile.redis.nodeType];
  const ops = sum(parts, (p) => p.rps * p.cost.redisCommands);
  const carMisses = sum(
    parts.filter((p) => p.cost === input.costs.carDetails),
    (p) => p.rps,
  );
  const bytes =
    searchMisses * SEARCH_TTL_SECONDS * SEARCH_PAGE_BYTES +
    Math.min(seed.cars, carMisses * 300) * CAR_DETAILS_BYTES +
    seed.peakConcurrentUsers * 1_000;
  const opsStatus: Status = node && ops <= node.opsPerSecond ? 'ok' : 'HARD';
  add({
    section: 'Redis',
    item: `operations/s on the primary (${profile.redis.nodeType})`,
    value: ops,
    unit: '/s',
    limit: node?.opsPerSecond,
    status: opsStatus,
  });
  const memoryLimit = node ? node.memoryGiB * USABLE_MEMORY * 2 ** 30 : 0;
  add({
    section: 'Redis',
    item: 'memory (GiB)',
    value: bytes / 2 ** 30,
    unit: 'GiB',
    limit: memoryLimit / 2 ** 30,
    status: bytes <= memoryLimit ? 'ok' : 'HARD',
  });

  // Aurora behind RDS Proxy: statements of the payment path.
  const statements = sum(parts, (p) => p.rps * p.cost.sqlStatements);
  const acu = Math.max(profile.aurora.minAcu, statements / STATEMENTS_PER_ACU_SECOND);
  add({
    section: 'Aurora',
    item: 'ACUs (writer)',
    value: acu,
    unit: 'ACU',
    limit: profile.aurora.maxAcu,
    status: acu <= profile.aurora.maxAcu ? (acu <= LIMITS.auroraMaxAcu.value ? 'ok' : 'HARD') : 'PROFILE',
  });
  const dbConnections = (statements * MS_PER_STATEMENT) / 1000;
  const maxConnections = Math.min(5000, Math.round(profile.aurora.maxAcu * 225));
  add({
    section: 'Aurora',
    item: 'database connections in use (through RDS Proxy)',
    value: dbConnections,
    unit: '',
    limit: maxConnections,
    status: dbConnections <= maxConnections ? 'ok' : 'PROFILE',
  });
  const paymentClients = concurrency.get('payForReservation') ?? 0;
  add({ section: 'Aurora', item: 'client connections to RDS Proxy (payment functions)', value: paymentClients, unit: '', status: 'ok' });

  // S3: photos are fetched from S3 by presigned URL (no CDN in the stack); keys are per car, so prefixes spread.
  const photos = sum(
    parts.filter((p) => p.route.kind === 'carDetails'),
    (p) => p.rps * seed.photosPerCarView,
  );
  const hotPrefix = (photos / seed.cars) * HOT_CAR_FACTOR;
  add({ section: 'S3 / CDN', item: 'photo GETs/s (presigned, straight from S3)', value: photos, unit: '/s', status: 'ok' });
  add({
    section: 'S3 / CDN',
    item: 'photo GETs/s on the hottest car prefix',
    value: hotPrefix,
    unit: '/s',
    limit: LIMITS.s3GetPerPrefix.value,
    status: check(hotPrefix, LIMITS.s3GetPerPrefix),
  });
  return rows;
};

export interface MonthlyCost {
  service: string;
  usd: number;
  basis: string;
}

/** API Gateway's tiered price for a month's requests. */
const apiGatewayUsd = (requests: number): number => {
  let usd = 0;
  let from = 0;
  for (const tier of PRICES.apiGatewayPerMillion) {
    const inTier = Math.max(0, Math.min(requests, tier.upTo) - from);
    usd += (inTier / 1e6) * tier.usd;
    from = tier.upTo;
  }
  return usd;
};

/** A month: `peakHoursPerDay` at the peak rate, the rest at the average. */
export const monthlyCost = (input: ModelInput): MonthlyCost[] => {
  const { seed, profile } = input;
  const days = PRICES.hoursPerMonth / 24;
  const secondsAt = { average: (24 - seed.peakHoursPerDay) * 3600 * days, peak: seed.peakHoursPerDay * 3600 * days };
  const loads = (['average', 'peak'] as const).map((load) => ({
    seconds: secondsAt[load],
    parts: partsOf(input, requestRate(seed, load)),
    rps: requestRate(seed, load),
  }));
  const month = (f: (parts: Part[], rps: number) => number) => loads.reduce((n, l) => n + f(l.parts, l.rps) * l.seconds, 0);

  const requests = month((_, rps) => rps);
  const invocations = month((parts) => sum(parts, (p) => p.rps));
  const gbSeconds = month((parts) => sum(parts, (p) => (p.rps * p.cost.lambdaMs * p.lambdaShare * p.cost.memoryMb) / 1000 / 1024));
  const units = (which: 'rcu' | 'wcu') =>
    month((parts) => sum(parts, (p) => p.rps * Object.values(p.cost[which]).reduce((a, b) => a + b, 0)));
  const fifo = month((parts) => sum(parts, (p) => p.rps * p.cost.fifoMessages));
  // Each message is sent, received and deleted: three requests.
  const standard = month((parts) => sum(parts, (p) => p.rps * p.cost.standardMessages));
  const acuHours = loads.reduce(
    (n, l) =>
      n +
      (Math.max(profile.aurora.minAcu, sum(l.parts, (p) => p.rps * p.cost.sqlStatements) / STATEMENTS_PER_ACU_SECOND) * l.seconds) / 3600,
    0,
  );
  const node = REDIS_NODES[profile.redis.nodeType];
  const photos = month((parts) =>
    sum(
      parts.filter((p) => p.route.kind === 'carDetails'),
      (p) => p.rps * seed.photosPerCarView,
    ),
  );
  const m = (n: number) => `${(n / 1e6).toFixed(0)}M`;
  return [
    { service: 'API Gateway (REST)', usd: apiGatewayUsd(requests), basis: `${m(requests)} requests, tiered` },
    { service: 'WAF', usd: (requests / 1e6) * PRICES.wafPerMillionRequests + 5 + 6, basis: `${m(requests)} requests + ACL and 6 rules` },
    {
      service: 'Lambda (arm64)',
      usd: (invocations / 1e6) * PRICES.lambdaPerMillionRequests + gbSeconds * PRICES.lambdaPerGbSecond,
      basis: `${m(invocations)} invocations, ${m(gbSeconds)} GB-s`,
    },
    {
      service: 'DynamoDB (on-demand)',
      usd: (units('rcu') / 1e6) * PRICES.dynamoPerMillionRru + (units('wcu') / 1e6) * PRICES.dynamoPerMillionWru,
      basis: `${m(units('rcu'))} RRU, ${m(units('wcu'))} WRU (storage and streams not included)`,
    },
    {
      service: 'SQS',
      usd: ((fifo * 3) / 1e6) * PRICES.sqsFifoPerMillion + ((standard * 3) / 1e6) * PRICES.sqsStandardPerMillion,
      basis: `${m(fifo)} FIFO + ${m(standard)} standard messages, 3 requests each`,
    },
    {
      service: `ElastiCache (${1 + profile.redis.replicas} x ${profile.redis.nodeType})`,
      usd: (node?.hourlyUsd ?? 0) * (1 + profile.redis.replicas) * PRICES.hoursPerMonth,
      basis: 'node-hours',
    },
    {
      service: 'Aurora Serverless v2 (writer + reader)',
      usd: acuHours * 2 * PRICES.auroraPerAcuHour,
      basis: `${acuHours.toFixed(0)} ACU-hours each (storage and I/O not included)`,
    },
    {
      service: 'RDS Proxy',
      usd: Math.max(8 * PRICES.hoursPerMonth, acuHours * 2) * PRICES.rdsProxyPerAcuHour,
      basis: 'per ACU-hour, 8 at least',
    },
    { service: 'S3 photo GETs', usd: (photos / 1000) * PRICES.s3GetPerThousand, basis: `${m(photos)} GETs (transfer not included)` },
  ];
};
