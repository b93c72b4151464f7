/** Per-method throttling for routes with no reason to differ (requests per second, burst). */
export const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;
/** Admin routes: a handful of people manage the fleet. */
export const ADMIN_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
/** Stage-wide throttling, applied before per-method limits. */
export const STAGE_THROTTLE = { rateLimit: 1000, burstLimit: 2000 } as const;
