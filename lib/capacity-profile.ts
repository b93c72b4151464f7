/**
 * The stack's limits as configuration: how much traffic a stage admits (API Gateway stage, route and
 * per-IP limits), what it reserves (Lambda concurrency) and how big its stateful parts are (Redis,
 * Aurora). No CDK imports: the capacity model (bench/capacity) reads the same profiles to check them.
 *
 * Chosen per stage with CDK context: `-c capacityProfile=seedPeak`, or in cdk.json a map by stage
 * (`"capacityProfile": { "prod": "seedPeak" }`); `-c capacity='{"stageRateLimit":5000}'` overrides single
 * fields of the chosen profile. Without either a stage gets `small`.
 */
import { STAGE_THROTTLE, type IpRateLimit } from '../lambdas/api/routes/throttle';

export interface CapacityProfile {
  /** API Gateway stage-wide throttle (requests/s and burst), applied before per-method limits. */
  stageThrottle: { rateLimit: number; burstLimit: number };
  /**
   * Factor on every route's own throttle (the route table's, which the OpenAPI document states for
   * `small`): the ratios between routes stay, the scale follows the deployment.
   */
  routeThrottleScale: number;
  /** Factor on the per-IP WAF limits that count every request (not sign-in, registration, payments: those are per person). */
  ipAllScale: number;
  /** Reserved concurrency by capability id: a floor kept for it and a ceiling on it (none: the account's shared pool). */
  reservedConcurrency: Record<string, number>;
  /** ElastiCache: node type and replicas per primary (one shard; see docs/capacity.md for cluster mode). */
  redis: { nodeType: string; replicas: number };
  /** Aurora Serverless v2 capacity range of the payments cluster, in ACUs. */
  aurora: { minAcu: number; maxAcu: number };
  /** SQS FIFO high-throughput mode (throughput and deduplication per message group). */
  fifoHighThroughput: boolean;
}

/** A small deployment: inside an account's default quotas (API Gateway 10,000 requests/s, Lambda 1,000 concurrent). */
export const SMALL: CapacityProfile = {
  stageThrottle: { ...STAGE_THROTTLE },
  routeThrottleScale: 1,
  ipAllScale: 1,
  reservedConcurrency: {},
  redis: { nodeType: 'cache.t4g.small', replicas: 1 },
  aurora: { minAcu: 0.5, maxAcu: 8 },
  fifoHighThroughput: true,
};

/**
 * The seed's peak (200,000 requests/s, 80% cached reads), sized by `npm run capacity` (docs/capacity.md):
 * it needs the account quota increases that document lists (API Gateway, Lambda, DynamoDB table
 * throughput) before it can take that traffic.
 */
export const SEED_PEAK: CapacityProfile = {
  stageThrottle: { rateLimit: 200_000, burstLimit: 100_000 },
  routeThrottleScale: 1000,
  ipAllScale: 1,
  // The booking path's decider and search get a floor so a burst elsewhere cannot starve them.
  reservedConcurrency: { searchCars: 1500, searchCarsAtTimes: 1500, requestBooking: 500, requestTimedBooking: 1000, decideBooking: 1000 },
  redis: { nodeType: 'cache.r7g.4xlarge', replicas: 2 },
  aurora: { minAcu: 2, maxAcu: 64 },
  fifoHighThroughput: true,
};

export const CAPACITY_PROFILES = { small: SMALL, seedPeak: SEED_PEAK } as const;
export type CapacityProfileName = keyof typeof CAPACITY_PROFILES;

const isProfileName = (name: string): name is CapacityProfileName => Object.hasOwn(CAPACITY_PROFILES, name);

/** The profile named for `stage` (a name, or a map stage -> name), with `overrides` (an object or its JSON) on top. */
export const resolveCapacity = (stage: string, profile: unknown, overrides?: unknown): CapacityProfile => {
  const named = typeof profile === 'object' && profile !== null ? (profile as Record<string, unknown>)[stage] : profile;
  const name = String(named ?? 'small');
  if (!isProfileName(name)) {
    throw new Error(`capacityProfile "${name}": use one of ${Object.keys(CAPACITY_PROFILES).join(', ')}.`);
  }
  const extra = (typeof overrides === 'string' ? JSON.parse(overrides) : (overrides ?? {})) as Partial<CapacityProfile>;
  const merged: CapacityProfile = { ...CAPACITY_PROFILES[name], ...extra };
  if (merged.aurora.minAcu > merged.aurora.maxAcu) throw new Error('capacity: aurora.minAcu exceeds aurora.maxAcu.');
  if (merged.redis.replicas < 1) throw new Error('capacity: redis.replicas must be at least 1 (Multi-AZ failover needs a replica).');
  return merged;
};

/** A route's throttle in a profile: the route table's, scaled, never above the stage's. */
export const scaledThrottle = (profile: CapacityProfile, throttle: { rateLimit: number; burstLimit: number }) => ({
  rateLimit: Math.min(profile.stageThrottle.rateLimit, throttle.rateLimit * profile.routeThrottleScale),
  burstLimit: Math.min(profile.stageThrottle.burstLimit, throttle.burstLimit * profile.routeThrottleScale),
});

/** The per-IP limits in a profile: the catch-all ones (no path prefix) scaled; per-person ones (sign-in, payments) as they are. */
export const scaledIpLimits = (profile: CapacityProfile, limits: readonly IpRateLimit[]): IpRateLimit[] =>
  limits.map((limit) => (limit.pathPrefixes ? limit : { ...limit, limit: Math.round(limit.limit * profile.ipAllScale) }));
