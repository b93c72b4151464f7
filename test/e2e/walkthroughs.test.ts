import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCarRentalClient } from '../../clients/typescript/src';
import type { ApiVersion } from '../../lambdas/api/route';
import { locationProfile } from '../../lambdas/domain/rental-time/locations';
import { apiUrl } from '../support/local-runtime';
import { claimTotpStep, runtimeDescription } from '../support/tokens';

/**
 * The README's walk-throughs (docs/walkthroughs/*.sh, the README's copies checked by
 * test/unit/docs/readme.test.ts) run with bash exactly as a new user pastes them, against this run's
 * runtime; what they did is then read back through the typed client (clients/typescript), which so is
 * proven against the real API too, as is its example script.
 */
const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const api = createCarRentalClient({ baseUrl: apiUrl() });

// Each script makes a dozen requests one after the other; on a loaded machine that takes a minute.
jest.setTimeout(240_000);

/** Runs a file from the repository's folder, as the README says, with the API's address (of `version`) in API_URL. */
const runFile = (command: string, args: string[], version: ApiVersion = 'v1') =>
  run(command, args, { cwd: ROOT, env: { ...process.env, API_URL: apiUrl(version) }, timeout: 180_000 }).catch(
    (err: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(`${args.join(' ')} exited ${err.code}:\n${err.stdout}\n${err.stderr}`);
    },
  );

/** `label: <value>` from a walk-through's output. */
const field = (stdout: string, label: string): string => {
  const m = new RegExp(`^${label}: (.+)$`, 'm').exec(stdout);
  if (!m) throw new Error(`no "${label}:" line in:\n${stdout}`);
  return m[1];
};

it('the customer walk-through: register, verify the email, sign in, search, book, pay, see the rental history', async () => {
  const { stdout } = await runFile('bash', ['docs/walkthroughs/customer.sh']);

  const [reservationId, held, , total] = field(stdout, 'reservation').split(/,? /);
  expect(held).toBe('Pending');
  expect(field(stdout, 'email verified')).toBe('true');
  expect(field(stdout, 'history')).toMatch(new RegExp(`^${reservationId} Confirmed \\d{4}-\\d\\d-\\d\\d\\.\\.\\d{4}-\\d\\d-\\d\\d$`));

  // Read back as that customer through the typed client: paid once, the quoted total, Confirmed.
  const email = /^registered and signed in: (\S+)/m.exec(stdout)![1];
  const { data: session } = await api.POST('/users/login', { body: { email, password: 'Sup3r-secret!' } });
  if (!session || !('token' in session)) throw new Error(`sign-in failed: ${JSON.stringify(session)}`);
  const customer = createCarRentalClient({ baseUrl: apiUrl(), token: session.token });
  const { data: reservation } = await customer.GET('/reservations/{reservationId}', { params: { path: { reservationId } } });
  expect(reservation).toMatchObject({ reservationId, status: 'Confirmed', totalPrice: Number(total) });
  const { data: paid } = await customer.GET('/reservations/{reservationId}/payments', { params: { path: { reservationId } } });
  expect(paid?.payments).toEqual([expect.objectContaining({ paymentId: field(stdout, 'paid'), amount: Number(total) })]);
});

it('the v2 customer walk-through: search and book with times, the same car again after the turnaround, pay the total, history', async () => {
  const { stdout } = await runFile('bash', ['docs/walkthroughs/customer-v2.sh'], 'v2');

  expect(field(stdout, 'email verified')).toBe('true');
  const [, days, quoted] = /^\S+, (\d+) days, total (\S+) USD$/.exec(field(stdout, 'car'))!;
  expect(days).toBe('3');
  const [, reservationId, held, pickupAt, returnAt, total] = /^(\S+) (\S+), (\S+) to (\S+), total (\S+)$/.exec(
    field(stdout, 'reservation'),
  )!;
  expect(held).toBe('Pending');
  // The search's total is a quote's for the same rental without extras (the same pricing).
  expect(field(stdout, 'quote')).toBe(`total ${quoted}`);
  // With choices, a line each: one-way, a child seat, a young driver, beside the rates, the fee and the tax.
  const lines = [...stdout.matchAll(/^line: (\S+)\s+(\d+) x\s+(-?[\d.]+) =\s+(-?[\d.]+)/gm)];
  const codes = lines.map((m) => m[1]);
  expect(codes).toEqual(expect.arrayContaining(['BASE', 'ONE_WAY', 'EXTRA:CHILD_SEAT', 'YOUNG_DRIVER', 'FEE:AIRPORT_FEE']));
  expect(codes.some((code) => code.startsWith('TAX:'))).toBe(true);
  expect(codes.length).toBeGreaterThanOrEqual(6);
  const quotedTotal = /total (\S+) USD, until/.exec(field(stdout, 'quoted'))![1];
  expect(lines.reduce((sum, m) => sum + Math.round(Number(m[4]) * 100), 0)).toBe(Math.round(Number(quotedTotal) * 100));
  // The first booking is of the plain quote: booked at the quoted total, which is the search's.
  expect(Number(total)).toBe(Number(quoted));
  expect(pickupAt).toMatch(/T10:00:00[+-]\d\d:\d\d$/);
  expect(Date.parse(returnAt) - Date.parse(pickupAt)).toBe(3 * 86_400_000);
  // Within the turnaround the car is still taken; from its end it is free again.
  expect(field(stdout, 'same car from 10:30')).toBe('Rejected CAR_TAKEN');
  const [next, nextId] = field(stdout, 'same car from 11:00').split(' ');
  expect(next).toBe('Pending');
  const history = [...stdout.matchAll(/^history: (\S+) (\S+) /gm)].map((m) => `${m[1]} ${m[2]}`);
  // Latest pick-up first, by time within a day (11:00, then the refused 10:30, then the first booking).
  expect(history).toEqual([`${nextId} Pending`, expect.stringMatching(/ Rejected$/), `${reservationId} Confirmed`]);

  // Read back as that customer through the typed client (v1: a v2 booking shows its times there too).
  const email = /^registered and signed in: (\S+)/m.exec(stdout)![1];
  const { data: session } = await api.POST('/users/login', { body: { email, password: 'Sup3r-secret!' } });
  if (!session || !('token' in session)) throw new Error(`sign-in failed: ${JSON.stringify(session)}`);
  const customer = createCarRentalClient({ baseUrl: apiUrl(), token: session.token });
  const { data: reservation } = await customer.GET('/reservations/{reservationId}', { params: { path: { reservationId } } });
  expect(reservation).toMatchObject({ reservationId, status: 'Confirmed', totalPrice: Number(total), pickupAt, returnAt });
  const { data: paid } = await customer.GET('/reservations/{reservationId}/payments', { params: { path: { reservationId } } });
  expect(paid?.payments).toEqual([expect.objectContaining({ paymentId: field(stdout, 'paid'), amount: Number(total) })]);
  const { data: second } = await customer.GET('/reservations/{reservationId}', { params: { path: { reservationId: nextId } } });
  expect(Date.parse(second!.pickupAt!) - Date.parse(returnAt)).toBe(locationProfile('LAX').turnaroundMinutes * 60_000);
});

it('the admin walk-through: sign in with MFA as the seeded admin, add a car, block it for maintenance', async () => {
  // A TOTP code is accepted once (as Cognito does), and other e2e files sign the same admin in at the same
  // time: the script runs in a 30-second step claimed for it, with 20 s of it left for the script's first
  // steps. Should its sign-in still be refused (a slow machine took it into the next step, which another
  // file claimed), a user would run it again with the next code. Any other failure fails the test.
  const { admin } = await runtimeDescription();
  let stdout = '';
  for (let attempt = 1; ; attempt++) {
    await claimTotpStep(admin.email, 20_000);
    try {
      ({ stdout } = await runFile('bash', ['docs/walkthroughs/admin.sh']));
      break;
    } catch (err) {
      if (attempt >= 3 || !/no token in: .*"UNAUTHENTICATED"/.test((err as Error).message)) throw err;
    }
  }

  const carId = field(stdout, 'car');
  const [blockId, from, to] = /^(\S+) \((\S+) to (\S+)\)$/.exec(field(stdout, 'maintenance block'))!.slice(1);
  expect(blockId).toMatch(/^[0-9a-f-]{36}$/);

  const { data: car } = await api.GET('/cars/{carId}', { params: { path: { carId } } });
  expect(car).toMatchObject({ carId, location: 'SEA', type: 'SUV', rentalPricePerDay: 79.5 });
  // Not found for the blocked days, found for the days after them.
  const seaSuvs = async (startDate: string, endDate: string) => {
    const query = { location: 'SEA', type: 'SUV', minPrice: 79.5, maxPrice: 79.5, limit: 100, startDate, endDate } as const;
    const { data } = await api.GET('/cars', { params: { query } });
    return data!.cars.map((c) => c.carId);
  };
  expect(await seaSuvs(from, to)).not.toContain(carId);
  expect(await seaSuvs(to, new Date(Date.parse(to) + 3 * 86_400_000).toISOString().slice(0, 10))).toContain(carId);
});

it('the typed client example runs against the API', async () => {
  const { stdout } = await runFile(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'clients/typescript/example.ts']);
  expect(stdout).toMatch(/^locations with cars: .*LAX \(\d+\)/m);
  expect(stdout).toMatch(/^signed in as example-\d+@example\.com \(customer\), email verified: false$/m);
});
