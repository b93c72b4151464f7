#!/usr/bin/env node
/**
 * `npm run test:planted -- [--only <id>[,<id>...]] [--list]`
 *
 * How strong the suite is: each bug below is planted in the code (one search-and-replace in one
 * file), the tests named for it are run, and each must FAIL; then the file is put back. First every
 * named test is run on the untouched code and must pass, so a failure is the plant's doing. Exits 1
 * when a plant went unnoticed (or a test fails or matches nothing on clean code).
 *
 * Not part of `npm test` (it runs jest some twenty times). Runs the tests the way `npm test` would:
 * with DATABASE_URL / REDIS_URL when set (the concurrent refund test needs DATABASE_URL), stand-ins
 * otherwise. Plant a bug here when a test is added for one; a plant that no test catches is a gap.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface NamedTest {
  project: 'unit' | 'integration' | 'e2e';
  file: string;
  /** jest's -t: the test names (a regular expression) that must catch the plant. */
  name: string;
}

interface Plant {
  id: string;
  /** What a user would suffer. */
  effect: string;
  file: string;
  search: string;
  replace: string;
  caughtBy: NamedTest[];
}

const BOOKING_RULES: Omit<NamedTest, 'name'> = { project: 'unit', file: 'test/unit/bookings/booking-rules.test.ts' };
const BOOKINGS: Omit<NamedTest, 'name'> = { project: 'integration', file: 'test/integration/bookings.test.ts' };
const REFUNDS: Omit<NamedTest, 'name'> = { project: 'integration', file: 'test/integration/payment-refunds.test.ts' };
const VERIFIED_EMAIL: NamedTest = { project: 'unit', file: 'test/unit/http/verified-email.test.ts', name: 'verified-email rule' };

export const PLANTS: Plant[] = [
  {
    id: 'hold-from-request',
    effect: 'a customer decided late gets a shorter payment window, possibly one already over',
    file: 'lambdas/domain/bookings/decide.ts',
    search: ': nowMs + deps.holdMs;',
    replace: ': Date.parse(reservation.createdAt) + deps.holdMs;',
    caughtBy: [
      { ...BOOKING_RULES, name: 'times the hold from the decision' },
      { ...BOOKINGS, name: 'decided late' },
    ],
  },
  {
    id: 'refund-total-overwritten',
    effect: 'a payment can be refunded more than once over: each partial refund forgets the ones before',
    file: 'lambdas/adapters/payments/postgres-payment-store.ts',
    search: 'SET refunded_minor = p.refunded_minor + r.amount_minor',
    replace: 'SET refunded_minor = r.amount_minor',
    caughtBy: [{ ...REFUNDS, name: 'partial refunds' }],
  },
  {
    id: 'feedback-unverified',
    effect: 'an account with an unproven email can publish reviews',
    file: 'lambdas/api/routes/feedback.ts',
    search: "    access: 'customer',\n    verifiedEmail: true,\n",
    replace: "    access: 'customer',\n",
    caughtBy: [VERIFIED_EMAIL, { project: 'e2e', file: 'test/e2e/accounts.test.ts', name: 'unverified email may sign in' }],
  },
  {
    id: 'booking-unverified',
    effect: 'an account with an unproven email can book cars',
    file: 'lambdas/api/routes/bookings.ts',
    search: '    verifiedEmail: true,\n',
    replace: '',
    caughtBy: [VERIFIED_EMAIL],
  },
  {
    id: 'verified-email-unchecked',
    effect: 'the verified-email rule is declared but only enforced on some requests',
    file: 'lambdas/http/principal.ts',
    search: 'if (route.verifiedEmail && allowed && !allowed.emailVerified)',
    replace: "if (route.verifiedEmail && allowed && !allowed.emailVerified && route.method === 'GET')",
    caughtBy: [VERIFIED_EMAIL],
  },
  {
    id: 'refund-48h-boundary',
    effect: 'a customer cancelling exactly 48 hours before pick-up gets half back instead of all',
    file: 'lambdas/domain/bookings/policy.ts',
    search: 'before >= 48 * 3_600_000',
    replace: 'before > 48 * 3_600_000',
    caughtBy: [
      { ...BOOKING_RULES, name: 'refund policy' },
      { ...BOOKINGS, name: '48 hours before pick-up' },
    ],
  },
  {
    id: 'second-live-payment-index',
    effect: 'a reservation already paid can be charged again with another Idempotency-Key',
    file: 'migrations/0001_payments.sql',
    search: "where status in ('processing', 'succeeded');",
    replace: "where status in ('processing');",
    caughtBy: [{ ...REFUNDS, name: 'paid once cannot be paid again' }],
  },
  {
    id: 'second-live-payment-unmapped',
    effect: 'a second payment of a paid reservation is a 500 instead of a 409',
    file: 'lambdas/adapters/payments/postgres-payment-store.ts',
    search: 'if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;',
    replace: '',
    caughtBy: [{ ...REFUNDS, name: 'paid once cannot be paid again' }],
  },
  {
    id: 'redelivery-decides-again',
    effect: 'a redelivered booking message re-holds a Pending reservation and tells the customer twice',
    file: 'lambdas/domain/bookings/decide.ts',
    search: "if (reservation.status !== 'Requested') return 'alreadyDecided';",
    replace: "if (reservation.status !== 'Requested' && reservation.status !== 'Pending') return 'alreadyDecided';",
    caughtBy: [{ ...BOOKING_RULES, name: 'does nothing for a decided or unknown reservation' }],
  },
  {
    id: 'redelivery-rewrites-hold',
    effect:
      "a redelivered decision writes a new hold over the one already on the car: the car's block and the reservation disagree on when the hold lapses",
    file: 'lambdas/domain/bookings/decide.ts',
    search: 'onCar: earlier !== undefined,',
    replace: 'onCar: false,',
    caughtBy: [
      { project: 'integration', file: 'test/integration/booking-interrupted-writes.test.ts', name: 'completes that hold as it is' },
    ],
  },
  {
    id: 'admission-unversioned',
    effect: "a customer's parallel requests are all admitted past the limits: the ledger's write no longer checks the version it judged",
    file: 'lambdas/adapters/bookings/customer-ledger.ts',
    search: "'attribute_not_exists(v)' : 'v = :seen',",
    replace: "'attribute_not_exists(v)' : 'v >= :seen',",
    caughtBy: [{ project: 'integration', file: 'test/integration/booking-limits.test.ts', name: 'exactly 3 land' }],
  },
];

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
}

const label = (t: NamedTest) => `${t.project} ${t.file} -t "${t.name}"`;

/** One jest run of the named tests, read from its JSON report (a name that matches nothing passes nothing). */
const runJest = (test: NamedTest): JestSummary => {
  const dir = mkdtempSync(join(tmpdir(), 'plant-check-'));
  const report = join(dir, 'report.json');
  try {
    // The file before --selectProjects: that option takes every name after it as a project.
    spawnSync('npx', ['jest', test.file, '--selectProjects', test.project, '-t', test.name, '--json', `--outputFile=${report}`], {
      stdio: 'ignore',
    });
    try {
      return JSON.parse(readFileSync(report, 'utf8')) as JestSummary;
    } catch {
      return { numPassedTests: 0, numFailedTests: 0 };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Plants the bug, runs `fn`, and puts the file back as it was, whatever happens (Ctrl-C included). */
const withPlant = <T>(plant: Plant, fn: () => T): T => {
  const original = readFileSync(plant.file, 'utf8');
  const count = original.split(plant.search).length - 1;
  if (count !== 1) throw new Error(`${plant.id}: "${plant.search}" occurs ${count} times in ${plant.file} (the list needs updating)`);
  const restore = () => writeFileSync(plant.file, original);
  const onSignal = () => {
    restore();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  writeFileSync(
    plant.file,
    original.replace(plant.search, () => plant.replace),
  );
  try {
    return fn();
  } finally {
    restore();
    process.removeListener('SIGINT', onSignal);
  }
};

const main = (): number => {
  const { values } = parseArgs({ options: { only: { type: 'string' }, list: { type: 'boolean', default: false } } });
  const only = values.only?.split(',');
  const plants = PLANTS.filter((p) => !only || only.includes(p.id));
  if (values.list || !plants.length) {
    for (const p of PLANTS)
      console.log(`${p.id}: ${p.effect}\n  ${p.file}\n${p.caughtBy.map((t) => `  caught by ${label(t)}`).join('\n')}`);
    return plants.length ? 0 : 1;
  }
  const started = Date.now();
  let problems = 0;
  const tests = [...new Map(plants.flatMap((p) => p.caughtBy).map((t) => [label(t), t])).values()];
  for (const test of tests) {
    const clean = runJest(test);
    const ok = clean.numPassedTests > 0 && clean.numFailedTests === 0;
    if (!ok) problems++;
    console.log(`${ok ? 'clean ok ' : 'CLEAN FAILS'}  ${label(test)} (${clean.numPassedTests} passed, ${clean.numFailedTests} failed)`);
  }
  for (const plant of plants) {
    for (const test of plant.caughtBy) {
      const planted = withPlant(plant, () => runJest(test));
      const caught = planted.numFailedTests > 0;
      if (!caught) problems++;
      console.log(`${caught ? 'caught   ' : 'ESCAPED  '}  ${plant.id} by ${label(test)}`);
    }
  }
  console.log(`${problems ? `${problems} problem(s)` : 'every plant caught'} in ${Math.round((Date.now() - started) / 1000)} s`);
  return problems ? 1 : 0;
};

process.exitCode = main();
