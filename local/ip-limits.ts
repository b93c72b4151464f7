import { ipLimitApplies, type IpRateLimit } from '../lambdas/api/routes';

const decoded = (path: string): string => {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/**
 * The local twin of the WAF rate-based rules (lib/constructs/web-firewall.ts): per source IP, a sliding
 * window of the requests each rule counts. Unlike WAF, a refused request is not counted, which keeps
 * memory bounded by the limits; a client that stops flooding gets in once its window has room.
 */
export class IpRateLimiter {
  /** `<rule>|<ip>` -> times (ms) of the requests counted in the current window, oldest first. */
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly limits: readonly IpRateLimit[],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * 0 when the request may go on (it is then counted by every rule it matches), else the whole seconds
   * until the strictest full window has room: the Retry-After.
   */
  check(ip: string, rawPath: string): number {
    const t = this.now();
    const path = decoded(rawPath); // WAF's rules match the URL-decoded path
    const matched = this.limits.filter((rule) => ipLimitApplies(rule, path));
    let wait = 0;
    for (const rule of matched) {
      const times = this.recent(`${rule.name}|${ip}`, t - rule.windowSeconds * 1000);
      if (times.length >= rule.limit) wait = Math.max(wait, times[times.length - rule.limit] + rule.windowSeconds * 1000 - t);
    }
    if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
    for (const rule of matched) this.windows.get(`${rule.name}|${ip}`)!.push(t);
    return 0;
  }

  /** The key's times after `since` (older ones dropped); creates the entry. */
  private recent(key: string, since: number): number[] {
    const times = this.windows.get(key) ?? [];
    let drop = 0;
    while (drop < times.length && times[drop] <= since) drop++;
    if (drop) times.splice(0, drop);
    this.windows.set(key, times);
    return times;
  }
}
