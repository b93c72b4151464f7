/**
 * `npm run capacity`: the capacity model (bench/capacity/model.ts) for each capacity profile (or the ones
 * named: `npm run capacity -- seedPeak`), at the average and at the seed's peak, every figure against its
 * limit, then the monthly bill. Exits 1 when the seedPeak profile breaks a hard limit at peak.
 */
import { routesOf, API_VERSIONS } from '../../lambdas/api/routes';
import type { LocationCode } from '../../lambdas/domain/fleet/catalog';
import { loadCosts } from './costs';
import { PRICES, SEED } from './inputs';
import { modelAt, monthlyCost, requestRate, type ModelInput, type Row } from './model';
import { CAPACITY_PROFILES, type CapacityProfileName } from '../../lib/capacity-profile';

/** The busiest location of the seed: its shards are the hot-partition check's design knob. */
const HOTTEST: LocationCode = 'LAX';

const fmt = (n: number | undefined): string => {
  if (n === undefined || !Number.isFinite(n)) return '-';
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
};

/** Each API version's route throttles, by capability (the highest if a capability serves several routes). */
const routeThrottles = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const version of API_VERSIONS)
    for (const route of routesOf(version)) out[route.capability] = Math.max(out[route.capability] ?? 0, route.throttle.rateLimit);
  return out;
};

const main = () => {
  const names = (process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CAPACITY_PROFILES)) as CapacityProfileName[];
  const { costs, measured } = loadCosts();
  console.log(
    `Seed: ${SEED.dailyActiveUsers.toLocaleString('en-US')} daily users, peak ${SEED.peakRequestsPerSecond.toLocaleString('en-US')} requests/s, ${SEED.cars.toLocaleString('en-US')} cars at ${SEED.locations} locations (busiest ${(SEED.hottestLocationShare * 100).toFixed(0)}%), search cache hit rate ${(SEED.searchCacheHitRate * 100).toFixed(0)}%.`,
  );
  console.log(
    `Average ${fmt(requestRate(SEED, 'average'))} requests/s (${SEED.requestsPerUserPerDay} a daily user a day); peak ${SEED.peakHoursPerDay} h a day.`,
  );
  console.log('Per-request costs:');
  for (const [kind, c] of Object.entries(costs)) {
    const units = (u: Record<string, number>) => Object.values(u).reduce((a, b) => a + b, 0);
    console.log(
      `  ${kind.padEnd(14)} ${fmt(units(c.rcu)).padStart(5)} RCU ${fmt(units(c.wcu)).padStart(5)} WCU ${fmt(c.redisCommands).padStart(5)} Redis ${fmt(c.lambdaMs).padStart(5)} ms  ${c.source}`,
    );
  }
  if (!measured.length) console.log('  (no bench/results/costs-*.json: every figure is derived; run bench:search and bench:booking)');

  let exit = 0;
  for (const name of names) {
    const profile = CAPACITY_PROFILES[name];
    const input: ModelInput = { seed: SEED, costs, profile, routeThrottles: routeThrottles(), hottestLocation: HOTTEST };
    const average = modelAt(input, requestRate(SEED, 'average'));
    const peak = modelAt(input, requestRate(SEED, 'peak'));
    console.log(
      `\n=== profile ${name}: ${JSON.stringify({ stage: profile.stageThrottle, routeScale: profile.routeThrottleScale, redis: profile.redis, aurora: profile.aurora })}`,
    );
    console.log(
      `${'section'.padEnd(12)} ${'item'.padEnd(62)} ${'average'.padStart(10)} ${'peak'.padStart(10)} ${'limit'.padStart(10)}  status at peak`,
    );
    let section = '';
    peak.forEach((row: Row, i) => {
      const s = row.section === section ? '' : (section = row.section);
      const flag = row.status === 'ok' ? 'ok' : `${row.status}${average[i].status !== 'ok' ? ' (also at average)' : ''}`;
      console.log(
        `${s.padEnd(12)} ${row.item.slice(0, 62).padEnd(62)} ${fmt(average[i].value).padStart(10)} ${fmt(row.value).padStart(10)} ${fmt(row.limit).padStart(10)}  ${flag}`,
      );
    });
    const hard = peak.filter((r) => r.status === 'HARD');
    const quota = peak.filter((r) => r.status === 'QUOTA');
    const refused = peak.filter((r) => r.status === 'PROFILE');
    console.log(
      `At peak: ${hard.length} hard limits broken${hard.length ? ` (${hard.map((r) => r.item).join('; ')})` : ''}; ${quota.length} quota increases (${quota.map((r) => r.item).join('; ') || 'none'}); ${refused.length} figures the profile's own limits refuse.`,
    );
    const bill = monthlyCost(input);
    console.log(`Monthly cost, ${PRICES.date}:`);
    for (const c of bill) console.log(`  ${c.service.padEnd(42)} $${fmt(c.usd).padStart(10)}  ${c.basis}`);
    console.log(`  ${'total'.padEnd(42)} $${fmt(bill.reduce((n, c) => n + c.usd, 0)).padStart(10)}`);
    if (name === 'seedPeak' && hard.length) exit = 1;
  }
  process.exitCode = exit;
};

main();
