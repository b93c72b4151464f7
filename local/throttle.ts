/**
 * API Gateway throttles with token buckets: `rateLimit` tokens per second refill a bucket of
 * `burstLimit`. The local runtime applies the same two levels (stage, then method) so clients meet
 * the same 429s and Retry-After values locally as in AWS.
 */
export interface Limit {
  rateLimit: number;
  burstLimit: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: Limit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.burstLimit;
    this.last = now();
  }

  /** Seconds until a token is free (0: one is free now), without taking it. */
  wait(): number {
    const t = this.now();
    this.tokens = Math.min(this.limit.burstLimit, this.tokens + ((t - this.last) / 1000) * this.limit.rateLimit);
    this.last = t;
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.limit.rateLimit;
  }

  /** Takes one token; returns 0 when allowed, or the seconds until a token will be free. */
  take(): number {
    const wait = this.wait();
    if (wait === 0) this.tokens -= 1;
    return wait;
  }
}

/** Stage bucket plus one bucket per route; a request must pass both. */
export class Throttle {
  private readonly stage: TokenBucket;
  private readonly routes = new Map<string, TokenBucket>();

  constructor(
    stageLimit: Limit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.stage = new TokenBucket(stageLimit, now);
  }

  /**
   * 0 when the request may go on, else the whole seconds to put in Retry-After. A token is taken from
   * both buckets only when both have one: a request refused by one level spends nothing at the other.
   */
  check(routeKey: string, limit: Limit): number {
    let bucket = this.routes.get(routeKey);
    if (!bucket) this.routes.set(routeKey, (bucket = new TokenBucket(limit, this.now)));
    const wait = Math.max(this.stage.wait(), bucket.wait());
    if (wait > 0) return Math.max(1, Math.ceil(wait));
    this.stage.take();
    bucket.take();
    return 0;
  }
}
