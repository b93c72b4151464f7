import { formatRentalTime } from '../../lambdas/domain/rental-time';
import {
  advanceClock,
  call,
  createCar,
  registerCustomer,
  runSchedule,
  runtimeNow,
  waitForMail,
  type Customer,
} from '../support/booking-client';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { counterAgent } from '../support/agents';
import { apiUrl } from '../support/local-runtime';
import { adminToken } from '../support/tokens';

/**
 * The counter (v2) against the local runtime, at LAX with the counter rules `npm start` seeds (no-show
 * 2 hours after pick-up keeping a quarter, 29 minutes' grace, 15.00 an eighth of fuel, 300 km a day,
 * a 200.00 deposit): a whole rental (book, pay, pick up, return late with less fuel, receipt), a
 * no-show, who may hand over, and the races (two agents at once, a pick-up against the no-show sweep).
 *
 * It moves the shared runtime's clock forward by some hours: every time here is the runtime's.
 */
const v2 = { version: 'v2' } as const;
const HOUR = 3_600_000;
const LAX = 'America/Los_Angeles';
/** A runtime instant as LAX's local time, to the minute, with its offset. */
const atLax = (ms: number) => formatRentalTime(Math.floor(ms / 60_000) * 60_000, LAX);
const key = () => ({ 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` });

let admin: string;
let customer: Customer;
/** Agents at LAX (two: the races), and one at JFK. */
let agent: string;
let secondAgent: string;
let jfkAgent: string;
const newCar = (model: string) =>
  createCar(admin, { make: 'Mazda', model, year: 2025, type: 'SEDAN', location: 'LAX', rentalPricePerDay: 60 });

beforeAll(async () => {
  admin = await adminToken();
  customer = await registerCustomer('Counter Customer');
  [agent, secondAgent, jfkAgent] = (
    await Promise.all([counterAgent(admin, ['LAX', 'SEA']), counterAgent(admin, ['LAX']), counterAgent(admin, ['JFK'])])
  ).map((a) => a.token);
}, 180_000);

/** Books the car from `fromMs` to `toMs` (runtime instants) and pays for it: the Confirmed reservation. */
const bookAndPay = async (
  carId: string,
  fromMs: number,
  toMs: number,
  quoted: Record<string, unknown> = {},
  booking: Record<string, unknown> = {},
) => {
  const rental = { carId, pickupAt: atLax(fromMs), returnAt: atLax(toMs) };
  // A one-way return (or extras) is chosen on a quote, which is then booked.
  const quote = Object.keys(quoted).length
    ? await call('POST', '/quotes', { ...v2, token: customer.token, body: { ...rental, ...quoted } })
    : undefined;
  if (quote) expect(quote.status).toBe(201);
  const booked = await call('POST', '/reservations', {
    ...v2,
    token: customer.token,
    headers: { prefer: 'wait=10' },
    body: { ...(quote ? { quoteId: quote.body.quoteId } : rental), ...booking },
  });
  expect([booked.status, booked.body.status]).toEqual([201, 'Pending']);
  const id: string = booked.body.reservationId;
  const paid = await call('POST', '/payments', {
    ...v2,
    token: customer.token,
    headers: key(),
    body: { reservationId: id, amount: booked.body.totalPrice, paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } },
  });
  expect(paid.status).toBe(201);
  const read = await call('GET', `/reservations/${id}`, { ...v2, token: customer.token });
  expect(read.body.status).toBe('Confirmed');
  return read.body;
};

const CARD = { paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } };
const pickup = (id: string, token: string, body: Record<string, unknown> = { odometerKm: 12_000, fuelLevel: 8, deposit: CARD }) =>
  call('POST', `/reservations/${id}/pickup`, { ...v2, token, body });
const giveBack = (id: string, token: string, body: Record<string, unknown>) =>
  call('POST', `/reservations/${id}/return`, { ...v2, token, body });
/** A photo of the rental's car, uploaded through the presigned URL the agent is given: its key. */
const uploadPhoto = async (id: string, token: string): Promise<string> => {
  const bytes = Buffer.from('\xff\xd8\xff a photo of the car', 'latin1');
  const started = await call('POST', `/reservations/${id}/photos`, {
    ...v2,
    token,
    body: { contentType: 'image/jpeg', contentLength: bytes.length },
  });
  expect(started.status).toBe(201);
  expect(started.body.key).toMatch(new RegExp(`^rentals/${id}/[\\w-]+\\.jpg$`));
  const { upload } = started.body;
  const put = await fetch(upload.url, { method: upload.method, headers: { 'content-type': 'image/jpeg' }, body: bytes });
  expect(put.status).toBe(200);
  return started.body.key;
};

describe('a whole rental at the counter', () => {
  it('book to pay at pick-up, authorise, pick up in the window, return late with less fuel: charges, settlement, receipt, feedback', async () => {
    const carId = await newCar('CX-30');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(carId, t0 + 2 * HOUR, t0 + 5 * HOUR, {}, { paymentOption: 'payAtPickup' });
    const id = rental.reservationId;
    expect(rental.paymentOption).toBe('payAtPickup');
    // Sold on the location's counter terms, fixed now.
    expect(rental.terms).toMatchObject({ noShowAfterMinutes: 120, lateGraceMinutes: 29, fuelPerEighth: 15, kmPerDay: 300, deposit: 200 });

    // Too early: the hand-over opens an hour before the pick-up time.
    const early = await pickup(id, admin);
    expect([early.status, early.body.error.code]).toEqual([409, 'PICKUP_NOT_OPEN']);
    // A customer is no agent; an agent at JFK acts at JFK only.
    expect((await pickup(id, customer.token)).status).toBe(403);
    expect((await pickup(id, jfkAgent)).status).toBe(403);
    // Bad readings are a 400 naming each field.
    const bad = await pickup(id, admin, { odometerKm: -1, fuelLevel: 9, deposit: CARD });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.fuelLevel', 'body.odometerKm']);

    await advanceClock(75 * 60);
    // The deposit needs a card.
    const noCard = await pickup(id, agent, { odometerKm: 12_000, fuelLevel: 8 });
    expect([noCard.status, noCard.body.error?.details?.fields?.[0]?.field]).toEqual([400, 'body.deposit']);
    // Check-out photos: uploaded through presigned URLs an agent (not a customer, not JFK's) is given.
    const photo = await uploadPhoto(id, agent);
    for (const token of [customer.token, jfkAgent]) {
      const refused = await call('POST', `/reservations/${id}/photos`, {
        ...v2,
        token,
        body: { contentType: 'image/jpeg', contentLength: 10 },
      });
      expect(refused.status).toBe(403);
    }
    // Only keys given for this reservation: not another's, not a made-up one, nor what is no key at all.
    const forged = await pickup(id, agent, {
      odometerKm: 12_000,
      fuelLevel: 8,
      deposit: CARD,
      photos: [photo, `rentals/${carId}/${carId}.jpg`, `rentals/${id}/${carId}.jpg`, 'cars/x/y.jpg'],
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.photos.3']);
    const unknown = await pickup(id, agent, {
      odometerKm: 12_000,
      fuelLevel: 8,
      deposit: CARD,
      photos: [photo, `rentals/${carId}/${carId}.jpg`, `rentals/${id}/${carId}.jpg`],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.photos.1', 'body.photos.2']);
    const out = await pickup(id, agent, { odometerKm: 12_000, fuelLevel: 8, deposit: CARD, photos: [photo] });
    expect([out.status, out.body.status]).toEqual([200, 'Active']);
    expect(out.body.pickup).toMatchObject({ location: 'LAX', odometerKm: 12_000, fuelLevel: 8, photos: [photo] });
    // A repeat answers the rental as it is; the customer sees it Active, v1 sees it Confirmed.
    expect((await pickup(id, agent)).body).toEqual(out.body);
    expect((await call('GET', `/reservations/${id}`, { token: customer.token })).body.status).toBe('Confirmed');
    // Out with the customer, it is among the car's upcoming reservations (an admin's view of the car).
    const upcoming = await call('GET', `/cars/${carId}/reservations`, { ...v2, token: admin });
    expect(upcoming.body.reservations.map((r: { reservationId: string; status: string }) => [r.reservationId, r.status])).toContainEqual([
      id,
      'Active',
    ]);
    // It cannot be cancelled any more, nor returned with a reading below the pick-up's.
    expect((await call('POST', `/reservations/${id}/cancel`, { ...v2, token: customer.token })).status).toBe(409);
    const backwards = await giveBack(id, admin, { odometerKm: 11_999, fuelLevel: 8 });
    expect([backwards.status, backwards.body.error.details.fields[0].field]).toEqual([400, 'body.odometerKm']);

    // Back 1 h 40 min after the return time (the clock now 2 h after t0, plus 4 h 40 min), with 6/8 of fuel and 150 km: two started hours late.
    await advanceClock((45 + 4 * 60 + 40) * 60);
    const scratch = await uploadPhoto(id, secondAgent);
    const back = await giveBack(id, agent, {
      odometerKm: 12_150,
      fuelLevel: 6,
      damages: [{ description: 'Scratch on the rear bumper', photos: [scratch] }],
    });
    expect([back.status, back.body.status]).toEqual([200, 'Completed']);
    const charges = back.body.charges as Array<{ code: string; quantity: number; amount: number }>;
    // Taxed as the rental's lines are: LAX's 9.5 % sales tax on them, rounded once.
    expect(charges.map((c) => [c.code, c.quantity])).toEqual([
      ['LATE_RETURN', 2],
      ['FUEL', 2],
      ['TAX:SALES_TAX', 1],
    ]);
    const untaxed = charges.filter((c) => !c.code.startsWith('TAX:')).reduce((sum, c) => sum + c.amount * 100, 0);
    expect(Math.abs(charges[2].amount * 100 - untaxed * 0.095)).toBeLessThanOrEqual(0.5);
    const chargesTotal = Math.round(charges.reduce((sum, c) => sum + c.amount * 100, 0)) / 100;
    expect(back.body.settlement).toMatchObject({
      paid: rental.totalPrice,
      charges: chargesTotal,
      chargedNow: chargesTotal,
      outstanding: 0,
    });
    expect(back.body.settlement.released).toBe(Math.round((200 - chargesTotal) * 100) / 100);
    expect(back.body.return).toMatchObject({
      location: 'LAX',
      odometerKm: 12_150,
      fuelLevel: 6,
      damages: [{ description: 'Scratch on the rear bumper', photos: [scratch] }],
    });
    // Taken back, it takes no more photos.
    const after = await call('POST', `/reservations/${id}/photos`, {
      ...v2,
      token: agent,
      body: { contentType: 'image/jpeg', contentLength: 10 },
    });
    expect(after.status).toBe(409);
    expect(back.body.feedback.state).toBe('open');
    expect((await giveBack(id, agent, { odometerKm: 12_150, fuelLevel: 6 })).body).toEqual(back.body);

    // Every hold and what ended it, in v2's payment listing (v1's stays payments and refunds).
    const money = await call('GET', `/reservations/${id}/payments`, { ...v2, token: customer.token });
    expect(money.status).toBe(200);
    expect(money.body.authorisations).toEqual([
      expect.objectContaining({
        kind: 'payAtPickup',
        status: 'Captured',
        amount: rental.totalPrice,
        captured: rental.totalPrice,
        operations: [expect.objectContaining({ kind: 'capture', amount: rental.totalPrice, status: 'Succeeded' })],
      }),
      expect.objectContaining({
        kind: 'deposit',
        status: 'PartiallyCaptured',
        amount: 200,
        captured: chargesTotal,
        operations: [expect.objectContaining({ kind: 'release', amount: chargesTotal, status: 'Succeeded' })],
      }),
    ]);
    const v1Money = await call('GET', `/reservations/${id}/payments`, { token: customer.token });
    expect(v1Money.status).toBe(200);
    expect(Object.keys(v1Money.body).sort()).toEqual(['payments', 'refunds']);

    const receipt = await waitForMail(customer.email, /Your receipt/);
    expect(receipt.text).toContain('Late return, per started hour');
    expect(receipt.text).toContain('Refuelling');
    expect(receipt.text).toContain('Sales tax');
    expect(receipt.text).toContain('Deposit released');
  });
});

describe('a no-show', () => {
  it('not picked up by the deadline: the sweeper ends it NoShow, keeps the fee, refunds the rest, frees the car', async () => {
    const carId = await newCar('Mazda3');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(carId, t0 + 2 * HOUR, t0 + 8 * HOUR);
    const id = rental.reservationId;
    await advanceClock(4 * 3_600 + 60);
    // Past the deadline an agent is told so; the sweeper decides.
    const late = await pickup(id, admin);
    expect([late.status, late.body.error.code]).toEqual([409, 'PICKUP_CLOSED']);
    await runSchedule('sweepReservations');
    const read = await call('GET', `/reservations/${id}`, { ...v2, token: customer.token });
    expect(read.body.status).toBe('NoShow');
    const fee = rental.terms.noShowFee;
    expect(read.body.refund.amount).toBe(Math.round((rental.totalPrice - fee) * 100) / 100);
    expect((await call('GET', `/reservations/${id}`, { token: customer.token })).body.status).toBe('Cancelled');
    await waitForMail(customer.email, /Missed pick-up/);
    // Payments refund the rest once, from the event (the fee stays paid).
    const refunds = async () => (await call('GET', `/reservations/${id}/payments`, { ...v2, token: customer.token })).body.refunds;
    const until = Date.now() + 20_000;
    while ((await refunds()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await refunds()).toEqual([expect.objectContaining({ amount: read.body.refund.amount })]);
    // The rest of its time is free: the car books again for it.
    const now = await runtimeNow();
    const again = await call('POST', '/reservations', {
      ...v2,
      token: customer.token,
      headers: { prefer: 'wait=10' },
      body: { carId, pickupAt: atLax(now + 90 * 60_000), returnAt: atLax(t0 + 8 * HOUR) },
    });
    expect([again.status, again.body.status]).toEqual([201, 'Pending']);
    await call('POST', `/reservations/${again.body.reservationId}/cancel`, { ...v2, token: customer.token });
  });
});

describe('a one-way rental', () => {
  /** Cars free at the location from noon to 15:00 local, two days after `ms` (SEA's desk is open then). */
  const searchAt = async (location: string, ms: number) => {
    const day = atLax(ms + 48 * HOUR).slice(0, 10);
    const q = new URLSearchParams({ location, pickupAt: `${day}T12:00`, returnAt: `${day}T15:00`, limit: '100' });
    const res = await call('GET', `/cars?${q}`, v2);
    expect(res.status).toBe(200);
    return (res.body.cars as Array<{ carId: string }>).map((c) => c.carId);
  };

  it('LAX to SEA: taken at LAX from its pick-up on, moved to SEA by its return there', async () => {
    const carId = await newCar('MX-5');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(carId, t0 + 2 * HOUR, t0 + 6 * HOUR, { returnLocation: 'SEA' });
    expect(rental.lines.map((l: { code: string }) => l.code)).toContain('ONE_WAY');
    // Gone from LAX for any time after its pick-up: it will not come back there.
    expect(await searchAt('LAX', t0)).not.toContain(carId);
    await advanceClock(90 * 60);
    expect((await pickup(rental.reservationId, agent)).status).toBe(200);
    await advanceClock(4 * 3_600);
    // An agent at LAX only cannot take it back at SEA; one at SEA does.
    expect((await giveBack(rental.reservationId, secondAgent, { odometerKm: 13_150, fuelLevel: 8 })).status).toBe(403);
    const back = await giveBack(rental.reservationId, agent, { odometerKm: 13_150, fuelLevel: 8 });
    expect([back.status, back.body.return.location]).toEqual([200, 'SEA']);
    const car = await call('GET', `/cars/${carId}`, v2);
    expect(car.body.location).toBe('SEA');
    // Searched at SEA once it is ready there (the turnaround), and never again at LAX.
    expect(await searchAt('SEA', t0)).toContain(carId);
    expect(await searchAt('LAX', t0)).not.toContain(carId);
  });
});

describe('races at the counter', () => {
  it('two agents returning one car at once: one return, one settlement', async () => {
    const carId = await newCar('CX-5');
    const t0 = await runtimeNow();
    const { reservationId: id } = await bookAndPay(carId, t0 + 70 * 60_000, t0 + 4 * HOUR);
    await advanceClock(15 * 60);
    expect((await pickup(id, agent)).status).toBe(200);
    const answers = await Promise.all([
      giveBack(id, agent, { odometerKm: 12_100, fuelLevel: 8 }),
      giveBack(id, secondAgent, { odometerKm: 12_100, fuelLevel: 8 }),
    ]);
    // One claims it; the other is told another agent is at it (409), or, coming after, reads it returned (200).
    for (const a of answers) expect([200, 409]).toContain(a.status);
    const done = answers.filter((a) => a.status === 200);
    expect(done.length).toBeGreaterThanOrEqual(1);
    for (const a of done) expect(a.body).toEqual(done[0].body);
    const read = await call('GET', `/reservations/${id}`, { ...v2, token: customer.token });
    expect(read.body.status).toBe('Completed');
    expect(read.body.settlement).toEqual(done[0].body.settlement);
  });

  it('a pick-up racing the no-show sweep at the deadline: one of them, never both', async () => {
    const carId = await newCar('MX-30');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(carId, t0 + 70 * 60_000, t0 + 5 * HOUR);
    const id = rental.reservationId;
    // A second before the deadline the pick-up starts; the sweep runs as the deadline passes, beside it.
    const deadline = Date.parse(rental.pickupAt) + 120 * 60_000;
    await advanceClock(Math.floor((deadline - (await runtimeNow())) / 1000) - 1);
    const [picked] = await Promise.all([
      pickup(id, admin),
      new Promise((resolve) => setTimeout(resolve, 1_100)).then(() => runSchedule('sweepReservations')),
    ]);
    await runSchedule('sweepReservations');
    const read = await call('GET', `/reservations/${id}`, { ...v2, token: customer.token });
    // Whichever came first decided: picked up (Active, never a no-show after), or a no-show (the pick-up refused).
    if (picked.status === 200) expect(read.body.status).toBe('Active');
    else expect([picked.status, read.body.status]).toEqual([409, 'NoShow']);
  });
});

describe('the counter walk-through (docs/counter.md)', () => {
  it('runs as written against the runtime: a rental picked up, returned late with less fuel, and its receipt', async () => {
    // The script signs the seeded admin in with a TOTP code; this file did too, and a code is taken once:
    // start in a fresh 30-second window.
    await new Promise((resolve) => setTimeout(resolve, 30_500 - (Date.now() % 30_000)));
    const root = path.resolve(__dirname, '../..');
    const { stdout } = await promisify(execFile)('bash', ['docs/walkthroughs/counter.sh'], {
      cwd: root,
      env: { ...process.env, API_URL: apiUrl('v2') },
      timeout: 180_000,
    });
    expect(stdout).toMatch(/^picked up: Active/m);
    expect(stdout).toMatch(/^extended: to \S+, total [\d.]+, charged [1-9][\d.]*$/m);
    expect(stdout).toMatch(/^returned: Completed/m);
    expect(stdout).toMatch(/^charge: LATE_RETURN/m);
    expect(stdout).toMatch(/^charge: FUEL/m);
    expect(stdout).toMatch(/^charge: MILEAGE/m);
    expect(stdout).toMatch(/^charge: TAX:SALES_TAX/m);
    expect(stdout).toMatch(/^receipt: Your receipt/m);
  });
});
