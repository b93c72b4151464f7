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
const newCar = (model: string) =>
  createCar(admin, { make: 'Mazda', model, year: 2025, type: 'SEDAN', location: 'LAX', rentalPricePerDay: 60 });

beforeAll(async () => {
  admin = await adminToken();
  customer = await registerCustomer('Counter Customer');
});

/** Books the car from `fromMs` to `toMs` (runtime instants) and pays for it: the Confirmed reservation. */
const bookAndPay = async (carId: string, fromMs: number, toMs: number, extra: Record<string, unknown> = {}) => {
  const booked = await call('POST', '/reservations', {
    ...v2,
    token: customer.token,
    headers: { prefer: 'wait=10' },
    body: { carId, pickupAt: atLax(fromMs), returnAt: atLax(toMs), ...extra },
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

describe('a whole rental at the counter', () => {
  it('book, pay, pick up in the window, return late with less fuel: charges, settlement from the deposit, receipt, feedback open', async () => {
    const carId = await newCar('CX-30');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(carId, t0 + 2 * HOUR, t0 + 5 * HOUR);
    const id = rental.reservationId;
    // Sold on the location's counter terms, fixed now.
    expect(rental.terms).toMatchObject({ noShowAfterMinutes: 120, lateGraceMinutes: 29, fuelPerEighth: 15, kmPerDay: 300, deposit: 200 });

    // Too early: the hand-over opens an hour before the pick-up time.
    const early = await pickup(id, admin);
    expect([early.status, early.body.error.code]).toEqual([409, 'PICKUP_NOT_OPEN']);
    // A customer is no agent.
    expect((await pickup(id, customer.token)).status).toBe(403);
    // Bad readings are a 400 naming each field.
    const bad = await pickup(id, admin, { odometerKm: -1, fuelLevel: 9, deposit: CARD });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.fuelLevel', 'body.odometerKm']);

    await advanceClock(75 * 60);
    const out = await pickup(id, admin);
    expect([out.status, out.body.status]).toEqual([200, 'Active']);
    expect(out.body.pickup).toMatchObject({ location: 'LAX', odometerKm: 12_000, fuelLevel: 8 });
    // A repeat answers the rental as it is; the customer sees it Active, v1 sees it Confirmed.
    expect((await pickup(id, admin)).body).toEqual(out.body);
    expect((await call('GET', `/reservations/${id}`, { token: customer.token })).body.status).toBe('Confirmed');
    // It cannot be cancelled any more, nor returned with a reading below the pick-up's.
    expect((await call('POST', `/reservations/${id}/cancel`, { ...v2, token: customer.token })).status).toBe(409);
    const backwards = await giveBack(id, admin, { odometerKm: 11_999, fuelLevel: 8 });
    expect([backwards.status, backwards.body.error.details.fields[0].field]).toEqual([400, 'body.odometerKm']);

    // Back 1 h 40 min after the return time (the clock now 2 h after t0, plus 4 h 40 min), with 6/8 of fuel and 150 km: two started hours late.
    await advanceClock((45 + 4 * 60 + 40) * 60);
    const back = await giveBack(id, admin, { odometerKm: 12_150, fuelLevel: 6, damages: [{ description: 'Scratch on the rear bumper' }] });
    expect([back.status, back.body.status]).toEqual([200, 'Completed']);
    const charges = back.body.charges as Array<{ code: string; quantity: number; amount: number }>;
    expect(charges.map((c) => [c.code, c.quantity])).toEqual([
      ['LATE_RETURN', 2],
      ['FUEL', 2],
    ]);
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
      damages: [{ description: 'Scratch on the rear bumper' }],
    });
    expect(back.body.feedback.state).toBe('open');
    expect((await giveBack(id, admin, { odometerKm: 12_150, fuelLevel: 6 })).body).toEqual(back.body);

    const receipt = await waitForMail(customer.email, /Your receipt/);
    expect(receipt.text).toContain('Late return, per started hour');
    expect(receipt.text).toContain('Refuelling');
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

describe('races at the counter', () => {
  it('two agents returning one car at once: one return, one settlement', async () => {
    const carId = await newCar('CX-5');
    const t0 = await runtimeNow();
    const { reservationId: id } = await bookAndPay(carId, t0 + 70 * 60_000, t0 + 4 * HOUR);
    await advanceClock(15 * 60);
    expect((await pickup(id, admin)).status).toBe(200);
    const second = await adminToken();
    const answers = await Promise.all([
      giveBack(id, admin, { odometerKm: 12_100, fuelLevel: 8 }),
      giveBack(id, second, { odometerKm: 12_100, fuelLevel: 8 }),
    ]);
    // The same admin twice resumes its own claim; either way one Completed return stands.
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
