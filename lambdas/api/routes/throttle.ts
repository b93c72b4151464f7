/** Per-method throttling for routes with no reason to differ (requests per second, burst). */
export const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;
/** Booking requests and changes are writes that queue or move work and money: a tighter limit than reads. */
export const BOOKING_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
/** Admin routes: a handful of people manage the fleet. */
export const ADMIN_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
/** Stage-wide throttling, applied before per-method limits. */
export const STAGE_THROTTLE = { rateLimit: 1000, burstLimit: 2000 } as const;

/**
 * Per-client limits at the edge: requests from one source IP in a sliding window. The stage and method
 * limits above are shared by every caller, so without these one client flooding sign-in would 429
 * everyone's sign-ins. In AWS they are WAF rate-based rules (lib/constructs/web-firewall.ts); the local
 * runtime applies the same numbers (local/ip-limits.ts). WAF accepts 10 or more per window of 60, 120,
 * 300 or 600 s.
 */
export interface IpRateLimit {
  /** Rule and metric name. */
  name: string;
  /** Requests one IP may send per window; later ones are answered 429 until the window has room. */
  limit: number;
  windowSeconds: 60 | 120 | 300 | 600;
  /** Path prefixes below the stage the rule counts (`/users/login` counts `/users/login/mfa` too); none: every request. */
  pathPrefixes?: readonly string[];
}

export const IP_RATE_LIMITS: readonly IpRateLimit[] = [
  { name: 'per-ip-sign-in', limit: 10, windowSeconds: 60, pathPrefixes: ['/users/login'] },
  { name: 'per-ip-registration', limit: 10, windowSeconds: 300, pathPrefixes: ['/users/register'] },
  { name: 'per-ip-payments', limit: 20, windowSeconds: 60, pathPrefixes: ['/payments'] },
  { name: 'per-ip-all', limit: 2000, windowSeconds: 300 },
];

/** The 429 message of a per-IP limit (WAF's custom response body and the local runtime's). */
export const IP_LIMIT_MESSAGE = 'Too many requests from your address; retry after the time in Retry-After.';

/** Does a per-IP rule count a request to `path` (below the stage)? WAF: URI path STARTS_WITH `/<stage><prefix>`. */
export const ipLimitApplies = (rule: IpRateLimit, path: string): boolean =>
  !rule.pathPrefixes || rule.pathPrefixes.some((prefix) => path.startsWith(prefix));
