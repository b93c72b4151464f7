/**
 * The capacity model's inputs: the seed's figures (docs/shared SEED.md, "capacity estimate"), the
 * request mix, the AWS limits and the prices. Edit here; `npm run capacity` prints what follows.
 * Per-request costs come from the benches (bench/results/costs-*.json, see ./costs.ts).
 */

export interface SeedFigures {
  dailyActiveUsers: number;
  peakConcurrentUsers: number;
  /** The seed's peak: 200,000 requests/s, 80% reads. */
  peakRequestsPerSecond: number;
  /** Requests a daily user makes in a day: sets the average (the seed gives no average). */
  requestsPerUserPerDay: number;
  /** Hours a day at peak, for the monthly bill (the rest at the average). */
  peakHoursPerDay: number;
  cars: number;
  locations: number;
  /** Share of cars, searches and bookings at the busiest location (the seed's skew: airports). */
  hottestLocationShare: number;
  bookingsPerMonth: number;
  averageRentalDays: number;
  /** How far ahead cars are booked: the car item carries its calendar's blocks for that long. */
  bookingHorizonDays: number;
  users: number;
  /** Search cache hit rate (measured by bench:mixed at the seed's 4:1 mix; docs/capacity.md). */
  searchCacheHitRate: number;
  /** Car-details cache hit rate (invalidated per car only). */
  carCacheHitRate: number;
  /** Photos a client loads per car-details view (S3 GETs through presigned URLs). */
  photosPerCarView: number;
}

export const SEED: SeedFigures = {
  dailyActiveUsers: 100_000,
  peakConcurrentUsers: 10_000,
  peakRequestsPerSecond: 200_000,
  requestsPerUserPerDay: 200,
  peakHoursPerDay: 1,
  cars: 50_000,
  locations: 100,
  hottestLocationShare: 0.08,
  bookingsPerMonth: 1_000_000,
  averageRentalDays: 4,
  bookingHorizonDays: 60,
  users: 10_000_000,
  // bench:mixed, 2026-12-08: 88.7% of searches served wholly from Redis (600 cars, pages of 20, the 4:1 mix): rounded down.
  searchCacheHitRate: 0.88,
  carCacheHitRate: 0.95,
  photosPerCarView: 3,
};

/** What a kind of request costs, per request; measured ones name their bench, the others say where they come from. */
export type CostKind = 'search' | 'carDetails' | 'locations' | 'booking' | 'cancel' | 'carEdit' | 'signIn' | 'payment' | 'other';

/**
 * The seed's mix, as shares of all requests (80% reads, 20% writes), by route: the capability serving it
 * and the kind of cost it has.
 */
export interface RouteShare {
  route: string;
  capability: string;
  kind: CostKind;
  share: number;
}

export const MIX: RouteShare[] = [
  { route: 'GET /v1/cars (search)', capability: 'searchCars', kind: 'search', share: 0.3 },
  { route: 'GET /v2/cars (search at times)', capability: 'searchCarsAtTimes', kind: 'search', share: 0.3 },
  { route: 'GET /v1/cars/{carId}', capability: 'getCar', kind: 'carDetails', share: 0.15 },
  { route: 'GET /v1/locations', capability: 'listLocations', kind: 'locations', share: 0.03 },
  { route: 'GET /v1/users/me/reservations', capability: 'listUserReservations', kind: 'other', share: 0.02 },
  { route: 'POST /v1/reservations', capability: 'requestBooking', kind: 'booking', share: 0.03 },
  { route: 'POST /v2/reservations', capability: 'requestTimedBooking', kind: 'booking', share: 0.07 },
  { route: 'DELETE /v1/reservations/{id}', capability: 'cancelReservation', kind: 'cancel', share: 0.03 },
  { route: 'POST /v1/users/login + refresh', capability: 'loginUser', kind: 'signIn', share: 0.04 },
  { route: 'POST /v1/payments', capability: 'payForReservation', kind: 'payment', share: 0.02 },
  { route: 'PUT /v1/cars/{carId} (admin)', capability: 'updateCar', kind: 'carEdit', share: 0.01 },
];

/** Per request of a kind; `source` says which bench measured it, or how it was derived. */
export interface RequestCost {
  /** DynamoDB read and write capacity units by table or `table.index`. */
  rcu: Record<string, number>;
  wcu: Record<string, number>;
  /** Of those WCU, what lands on the byLocation index partition of the car's location (hot-partition check). */
  locationIndexWcu: number;
  /** RCU on the byLocation index per cache miss (spread over the location's shards). */
  locationIndexRcuPerMiss: number;
  redisCommands: number;
  fifoMessages: number;
  standardMessages: number;
  sqlStatements: number;
  /** Lambda time per invocation (ms), decider's included for a booking. */
  lambdaMs: number;
  memoryMb: number;
  source: string;
}

/** AWS limits the model checks against: `hard` cannot be raised, `quota` is a default an increase request raises. */
export interface Limit {
  value: number;
  kind: 'hard' | 'quota';
  note: string;
}

export const LIMITS = {
  apiGatewayRps: { value: 10_000, kind: 'quota', note: 'API Gateway requests/s per account and region (default)' },
  lambdaConcurrency: { value: 1_000, kind: 'quota', note: 'Lambda concurrent executions per account and region (default)' },
  lambdaUnreserved: { value: 100, kind: 'hard', note: 'Lambda keeps 100 unreserved' },
  partitionRcu: { value: 3_000, kind: 'hard', note: 'DynamoDB per partition, read units/s' },
  partitionWcu: { value: 1_000, kind: 'hard', note: 'DynamoDB per partition, write units/s' },
  tableRru: { value: 40_000, kind: 'quota', note: 'DynamoDB on-demand table read request units/s (default)' },
  tableWru: { value: 40_000, kind: 'quota', note: 'DynamoDB on-demand table write request units/s (default)' },
  fifoPerGroup: { value: 300, kind: 'hard', note: 'SQS FIFO messages/s per message group (one partition)' },
  fifoQueue: { value: 300, kind: 'hard', note: 'SQS FIFO without high throughput: 300 sends/s per queue (unbatched)' },
  fifoHighThroughput: { value: 70_000, kind: 'quota', note: 'SQS FIFO high throughput: 70,000 sends/s per queue (us-east-1)' },
  s3GetPerPrefix: { value: 5_500, kind: 'hard', note: 'S3 GET/s per prefix (photos are per car: spread)' },
  auroraMaxAcu: { value: 256, kind: 'hard', note: 'Aurora Serverless v2 ACUs per instance' },
} satisfies Record<string, Limit>;

/**
 * ElastiCache nodes: memory (GiB) and the operations/s one Redis 7 node serves for small GET/SET
 * (an assumption from AWS's published figures for enhanced I/O multiplexing, about 1M+ on r7g.4xlarge;
 * measure before relying on it), and the on-demand hourly price.
 */
export const REDIS_NODES: Record<string, { memoryGiB: number; opsPerSecond: number; hourlyUsd: number }> = {
  'cache.t4g.small': { memoryGiB: 1.37, opsPerSecond: 40_000, hourlyUsd: 0.032 },
  'cache.r7g.large': { memoryGiB: 13.07, opsPerSecond: 150_000, hourlyUsd: 0.219 },
  'cache.r7g.xlarge': { memoryGiB: 26.32, opsPerSecond: 300_000, hourlyUsd: 0.437 },
  'cache.r7g.2xlarge': { memoryGiB: 52.82, opsPerSecond: 550_000, hourlyUsd: 0.873 },
  'cache.r7g.4xlarge': { memoryGiB: 105.81, opsPerSecond: 1_000_000, hourlyUsd: 1.747 },
};

/** On-demand prices, us-east-1, as published on the AWS pricing pages; checked 2026-12-07 against the figures known then: verify before quoting. */
export const PRICES = {
  date: '2026-12-07 (us-east-1 on-demand list prices; verify on aws.amazon.com/pricing)',
  apiGatewayPerMillion: [
    { upTo: 333e6, usd: 3.5 },
    { upTo: 1e9, usd: 2.8 },
    { upTo: 20e9, usd: 2.38 },
    { upTo: Infinity, usd: 1.51 },
  ],
  lambdaPerMillionRequests: 0.2,
  /** arm64, per GB-second. */
  lambdaPerGbSecond: 0.0000133334,
  dynamoPerMillionWru: 0.625,
  dynamoPerMillionRru: 0.125,
  sqsFifoPerMillion: 0.5,
  sqsStandardPerMillion: 0.4,
  auroraPerAcuHour: 0.12,
  /** RDS Proxy on Serverless v2: per ACU-hour of the cluster, at least 8 ACUs. */
  rdsProxyPerAcuHour: 0.015,
  wafPerMillionRequests: 0.6,
  s3GetPerThousand: 0.0004,
  hoursPerMonth: 730,
};

/** Statements a second one ACU of Aurora PostgreSQL serves for the payment path's short statements (an assumption: measure). */
export const STATEMENTS_PER_ACU_SECOND = 400;
/** Milliseconds one payment statement holds a database connection (bench:payments, PostgreSQL, 1 in flight: 6.3 ms for 6). */
export const MS_PER_STATEMENT = 1.05;
/** Bytes a cached search page takes in Redis (a page of 20 cars as JSON), and a car's details. */
export const SEARCH_PAGE_BYTES = 12_000;
export const CAR_DETAILS_BYTES = 2_000;
/** Seconds a cached page lives (lambdas/adapters/fleet/cache.ts SEARCH_TTL_SECONDS). */
export const SEARCH_TTL_SECONDS = 60;
/** A car item without its calendar, and each block of it (docs/performance.md: about 75 bytes a hold). */
export const CAR_ITEM_BASE_BYTES = 700;
export const CAR_BLOCK_BYTES = 75;
/** Share of searches that name a type (one Query per shard); the others read every type (8 per shard). */
export const TYPED_SEARCH_SHARE = 0.5;
/** Lambda time beyond the handler (API Gateway integration, runtime): added to each measured handler time. */
export const LAMBDA_OVERHEAD_MS = 15;
