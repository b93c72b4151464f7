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

  /** Takes one token; returns 0 when allowed, or the seconds until a token will be free. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.limit.burstLimit, this.tokens + ((t - this.last) / 1000) * this.limit.rateLimit);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.limit.rateLimit;
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

  /** 0 when the request may go on, else the whole seconds to put in Retry-After. */
  check(routeKey: string, limit: Limit): number {
    let bucket = this.routes.get(routeKey);
    if (!bucket) this.routes.set(routeKey, (bucket = new TokenBucket(limit, this.now)));
    const wait = Math.max(this.stage.take(), bucket.take());
    return wait === 0 ? 0 : Math.max(1, Math.ceil(wait));
  }
}
