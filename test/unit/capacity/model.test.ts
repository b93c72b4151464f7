import { DERIVED_COSTS } from '../../../bench/capacity/costs';
import { SEED } from '../../../bench/capacity/inputs';
import { carItemKb, modelAt, monthlyCost, requestRate, type ModelInput } from '../../../bench/capacity/model';
import { CAPACITY_PROFILES } from '../../../lib/capacity-profile';

const input = (over: Partial<ModelInput> = {}): ModelInput => ({
  seed: SEED,
  costs: DERIVED_COSTS,
  profile: CAPACITY_PROFILES.seedPeak,
  routeThrottles: {},
  hottestLocation: 'LAX',
  ...over,
});
const row = (rows: ReturnType<typeof modelAt>, item: RegExp) => rows.find((r) => item.test(r.item))!;

describe('capacity model', () => {
  it('takes the average from daily users and the peak from the seed', () => {
    expect(requestRate(SEED, 'peak')).toBe(200_000);
    expect(requestRate(SEED, 'average')).toBeCloseTo((100_000 * SEED.requestsPerUserPerDay) / 86_400);
  });

  it('flags the API Gateway quota and the small profile own throttle at peak', () => {
    const small = modelAt(input({ profile: CAPACITY_PROFILES.small }), 200_000);
    expect(row(small, /^requests\/s, all routes/).status).toBe('QUOTA');
    expect(row(small, /^stage throttle/).status).toBe('PROFILE');
    expect(row(small, /operations\/s on the primary/).status).toBe('HARD');
  });

  it('breaks no hard limit in the seedPeak profile at peak', () => {
    expect(modelAt(input(), 200_000).filter((r) => r.status === 'HARD')).toEqual([]);
  });

  it('finds the hot location partition over 1,000 WCU with 4 shards, and the 16 of a busy airport under it', () => {
    const shards = (location: 'LAX' | 'PHL') =>
      row(modelAt(input({ hottestLocation: location }), 200_000), /^WCU per byLocation partition/);
    expect(shards('PHL').status).toBe('HARD'); // PHL keeps SEARCH_SHARDS: as if it were the busiest
    expect(shards('LAX').status).toBe('ok');
    expect(shards('PHL').value / shards('LAX').value).toBeCloseTo(4);
  });

  it('grows the car item with the seed bookings ahead', () => {
    expect(carItemKb(SEED)).toBeGreaterThan(1);
    expect(carItemKb({ ...SEED, bookingsPerMonth: 0 })).toBe(1);
  });

  it('prices a month per service', () => {
    const bill = monthlyCost(input());
    expect(bill.map((c) => c.service)).toEqual(expect.arrayContaining(['API Gateway (REST)', 'DynamoDB (on-demand)', 'RDS Proxy']));
    for (const c of bill) expect(c.usd).toBeGreaterThan(0);
  });
});
