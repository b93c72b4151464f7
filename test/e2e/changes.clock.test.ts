import { formatRentalTime } from '../../lambdas/domain/rental-time';
import { advanceClock, call, createCar, registerCustomer, runtimeNow, waitForMail, type Customer } from '../support/booking-client';
import { counterAgent } from '../support/agents';
import { adminToken } from '../support/tokens';

/**
 * Changes and extensions (PATCH /v2/reservations/{id}) against the local runtime, at LAX (open round
 * the clock): a change before pick-up (paid, refunded, refused when the car is taken or the card
 * declines: the reservation as it was), an extension of a rental under way through to its return, and
 * the races (an extension against another customer's booking of the following hours, a change against
 * a cancel). Every money step is read back from the payments listing.
 *
 * It moves the shared runtime's clock forward by some hours: every time here is the runtime's.
 */
const v2 = { version: 'v2' } as const;
const HOUR = 3_600_000;
const LAX = 'America/Los_Angeles';
const atLax = (ms: number) => formatRentalTime(Math.floor(ms / 60_000) * 60_000, LAX);
const key = () => ({ 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` });
const CARD = { paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } };
const cents = (amount: number) => Math.round(amount * 100);

let admin: string;
let customer: Customer;
let other: Customer;
let agent: string;

beforeAll(async () => {
  admin = await adminToken();
  [customer, other] = await Promise.all([registerCustomer('Change Customer'), registerCustomer('Other Customer')]);
  agent = (await counterAgent(admin, ['LAX'])).token;
}, 180_000);

const newCar = (model: string) =>
  createCar(admin, { make: 'Kia', model, year: 2025, type: 'SEDAN', location: 'LAX', rentalPricePerDay: 50 });

const book = (who: Customer, carId: string, fromMs: number, toMs: number, extra: Record<string, unknown> = {}) =>
  call('POST', '/reservations', {
    ...v2,
    token: who.token,
    headers: { prefer: 'wait=10' },
    body: { carId, pickupAt: atLax(fromMs), returnAt: atLax(toMs), ...extra },
  });

/** Books and pays (or authorises, paying at pick-up): the Confirmed reservation. */
const bookAndPay = async (who: Customer, carId: string, fromMs: number, toMs: number, extra: Record<string, unknown> = {}) => {
  const booked = await book(who, carId, fromMs, toMs, extra);
  expect([booked.status, booked.body.status]).toEqual([201, 'Pending']);
  const id: string = booked.body.reservationId;
  const paid = await call('POST', '/payments', {
    ...v2,
    token: who.token,
    headers: key(),
    body: { reservationId: id, amount: booked.body.totalPrice, ...CARD },
  });
  expect(paid.status).toBe(201);
  const read = await call('GET', `/reservations/${id}`, { ...v2, token: who.token });
  expect(read.body.status).toBe('Confirmed');
  return read.body;
};

const change = (id: string, token: string, body: Record<string, unknown>) => call('PATCH', `/reservations/${id}`, { ...v2, token, body });
const read = async (id: string, token = customer.token) => (await call('GET', `/reservations/${id}`, { ...v2, token })).body;

/** The reservation's money as the payments listing shows it: each payment's amount, and the refunds. */
const money = async (id: string) => {
  const listed = (await call('GET', `/reservations/${id}/payments`, { ...v2, token: customer.token })).body;
  const payments = (listed.payments as Array<{ amount: number; status: string }>).filter((p) => p.status === 'Completed');
  const refunds = listed.refunds as Array<{ amount: number }>;
  return {
    payments: payments.map((p) => p.amount),
    refunds: refunds.map((r) => r.amount),
    net: (payments.reduce((s, p) => s + cents(p.amount), 0) - refunds.reduce((s, r) => s + cents(r.amount), 0)) / 100,
  };
};

describe('a change before pick-up', () => {
  it('a later return is charged the difference; back to the first times is refunded it; the freed hours book again', async () => {
    const carId = await newCar('Rio');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(customer, carId, t0 + 72 * HOUR, t0 + 96 * HOUR);
    const id = rental.reservationId;
    const later = { returnAt: atLax(t0 + 120 * HOUR) };

    // A higher price needs its payment, on the rental's own method.
    const unpaid = await change(id, customer.token, later);
    expect([unpaid.status, unpaid.body.error.code, unpaid.body.error.details.fields[0].field]).toEqual([
      422,
      'PAYMENT_REQUIRED',
      'body.payment',
    ]);
    const otherMethod = await change(id, customer.token, {
      ...later,
      payment: { paymentMethod: 'paypal', details: { orderId: 'order_ok' } },
    });
    expect([otherMethod.status, otherMethod.body.error.details.fields[0].field]).toEqual([422, 'body.payment.paymentMethod']);
    expect(await read(id)).toEqual(rental);

    const longer = await change(id, customer.token, { ...later, payment: CARD });
    expect([longer.status, longer.body.status, longer.body.returnAt]).toEqual([200, 'Confirmed', later.returnAt]);
    expect(longer.body.price.days).toBe(2);
    expect(longer.body.totalPrice).toBeGreaterThan(rental.totalPrice);
    expect(longer.body.change).toEqual({ charged: (cents(longer.body.totalPrice) - cents(rental.totalPrice)) / 100, refunded: 0 });
    const { change: _c, ...changed } = longer.body;
    expect(await read(id)).toEqual(changed);
    // Paid once more, the difference: the payments sum to the new total.
    expect(await money(id)).toMatchObject({ payments: [rental.totalPrice, longer.body.change.charged], net: longer.body.totalPrice });
    // The same change again changes nothing (no second charge).
    const again = await change(id, customer.token, { ...later, payment: CARD });
    expect([again.status, again.body.change]).toEqual([200, { charged: 0, refunded: 0 }]);
    expect((await money(id)).payments).toHaveLength(2);
    // Another customer cannot have the added day.
    const taken = await book(other, carId, t0 + 100 * HOUR, t0 + 110 * HOUR);
    expect([taken.status, taken.body.error?.details?.reservation?.reason?.code]).toEqual([409, 'CAR_TAKEN']);

    // Back to the first times, 48 hours or more ahead: the difference comes back in full.
    const shorter = await change(id, customer.token, { returnAt: rental.returnAt });
    expect([shorter.status, shorter.body.returnAt, shorter.body.totalPrice]).toEqual([200, rental.returnAt, rental.totalPrice]);
    expect(shorter.body.change).toEqual({ charged: 0, refunded: longer.body.change.charged });
    expect(await money(id)).toMatchObject({ refunds: [longer.body.change.charged], net: rental.totalPrice });
    // The day given back books again.
    const freed = await book(other, carId, t0 + 100 * HOUR, t0 + 110 * HOUR);
    expect([freed.status, freed.body.status]).toEqual([201, 'Pending']);
    await call('POST', `/reservations/${freed.body.reservationId}/cancel`, { ...v2, token: other.token });
    await waitForMail(customer.email, /Booking changed/);
  });

  it('refused (the car taken, the card declined, bad input, not yours): the reservation stays exactly as it was', async () => {
    const carId = await newCar('Ceed');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(customer, carId, t0 + 72 * HOUR, t0 + 96 * HOUR);
    const id = rental.reservationId;
    const theirs = await book(other, carId, t0 + 130 * HOUR, t0 + 140 * HOUR);
    expect(theirs.status).toBe(201);
    const before = await money(id);

    const onTheirs = await change(id, customer.token, { returnAt: atLax(t0 + 135 * HOUR), payment: CARD });
    expect([onTheirs.status, onTheirs.body.error.code]).toEqual([409, 'CAR_TAKEN']);
    const declined = await change(id, customer.token, {
      returnAt: atLax(t0 + 110 * HOUR),
      payment: { ...CARD, details: { cardToken: 'tok_decline' } },
    });
    expect([declined.status, declined.body.error.code]).toEqual([422, 'PAYMENT_DECLINED']);
    expect(await read(id)).toEqual(rental);
    expect((await money(id)).net).toBe(before.net);
    // The hours the declined change held for a moment are free again.
    const free = await book(other, carId, t0 + 100 * HOUR, t0 + 110 * HOUR);
    expect([free.status, free.body.status]).toEqual([201, 'Pending']);

    const fields = async (res: Promise<{ status: number; body: any }>) => {
      const r = await res;
      return [r.status, (r.body.error?.details?.fields ?? []).map((f: { field: string }) => f.field)];
    };
    expect(await fields(change(id, customer.token, {}))).toEqual([400, ['body']]);
    expect(await fields(change(id, customer.token, { returnAt: rental.returnAt, status: 'Cancelled' }))).toEqual([400, ['body.status']]);
    expect(await fields(change(id, customer.token, { pickupAt: atLax(t0 - HOUR) }))).toEqual([400, ['body.pickupAt']]);
    expect(await fields(change(id, customer.token, { returnAt: rental.pickupAt }))).toEqual([400, ['body.returnAt']]);
    expect(await fields(change(id, customer.token, { extras: [{ code: 'NOT_OFFERED', quantity: 1 }] }))).toEqual([
      400,
      ['body.extras.0.code'],
    ]);
    // Someone else's reservation, or none: not found, never told apart.
    expect((await change(id, other.token, { returnAt: atLax(t0 + 97 * HOUR) })).status).toBe(404);
    expect((await change('00000000-0000-4000-8000-000000000000', customer.token, { returnAt: atLax(t0 + 97 * HOUR) })).status).toBe(404);
    expect((await change('not-an-id', customer.token, { returnAt: atLax(t0 + 97 * HOUR) })).status).toBe(400);
    expect(await read(id)).toEqual(rental);
  });
});

describe('an extension', () => {
  it('pay at pick-up, its return moved within the hour before pick-up, picked up, extended (never shortened), returned late on the new time with less fuel: the receipt', async () => {
    const carId = await newCar('Niro');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(customer, carId, t0 + 70 * 60_000, t0 + 4 * HOUR, { paymentOption: 'payAtPickup' });
    const id = rental.reservationId;
    // Within the hour before its pick-up, a change of the return alone is taken (the pick-up is not judged again).
    const first = await change(id, customer.token, { returnAt: atLax(Date.parse(rental.returnAt) + HOUR), payment: CARD });
    expect([first.status, first.body.change.charged]).toEqual([200, (cents(first.body.totalPrice) - cents(rental.totalPrice)) / 100]);
    await advanceClock(15 * 60);
    const handedOver = await call('POST', `/reservations/${id}/pickup`, {
      ...v2,
      token: agent,
      body: { odometerKm: 5_000, fuelLevel: 8, deposit: CARD },
    });
    expect(handedOver.status).toBe(200);

    // Out with the customer: only the return moves, and only later.
    const moved = await change(id, customer.token, { pickupAt: atLax(t0 + 2 * HOUR) });
    expect([moved.status, moved.body.error.code]).toEqual([409, 'RENTAL_STARTED']);
    const earlier = await change(id, customer.token, { returnAt: rental.returnAt });
    expect([earlier.status, earlier.body.error.code]).toEqual([422, 'EXTENSION_ONLY']);
    const newReturn = atLax(Date.parse(rental.returnAt) + 2 * HOUR);
    const extended = await change(id, customer.token, { returnAt: newReturn, payment: CARD });
    expect([extended.status, extended.body.status, extended.body.returnAt]).toEqual([200, 'Active', newReturn]);
    expect(extended.body.totalPrice).toBeGreaterThan(first.body.totalPrice);
    expect(extended.body.change.charged).toBe((cents(extended.body.totalPrice) - cents(first.body.totalPrice)) / 100);
    expect(extended.body.pickup).toEqual((await read(id)).pickup);

    // Back 1 h 40 min after the new return time with 6/8 of fuel: two started hours late, on the new time.
    await advanceClock(Math.round((Date.parse(newReturn) - (await runtimeNow())) / 1000) + 100 * 60);
    const back = await call('POST', `/reservations/${id}/return`, { ...v2, token: agent, body: { odometerKm: 5_120, fuelLevel: 6 } });
    expect([back.status, back.body.status]).toEqual([200, 'Completed']);
    expect(back.body.charges.map((c: { code: string; quantity: number }) => [c.code, c.quantity])).toEqual([
      ['LATE_RETURN', 2],
      ['FUEL', 2],
      ['TAX:SALES_TAX', 1],
    ]);
    // Paid: the authorisation captured at pick-up and the extension's payment, the new total.
    expect(back.body.settlement.paid).toBe(extended.body.totalPrice);
    expect((await money(id)).payments).toEqual([first.body.change.charged, extended.body.change.charged]);
    await waitForMail(customer.email, /Your receipt/);
  });
});

describe('races', () => {
  it('an extension racing another customer’s booking of the following hours: exactly one gets them', async () => {
    for (let round = 0; round < 3; round++) {
      const carId = await newCar(`Race ${round}`);
      const t0 = await runtimeNow();
      const rental = await bookAndPay(customer, carId, t0 + 72 * HOUR, t0 + 96 * HOUR);
      const [extended, booked] = await Promise.all([
        change(rental.reservationId, customer.token, { returnAt: atLax(t0 + 100 * HOUR), payment: CARD }),
        book(other, carId, t0 + 97 * HOUR, t0 + 105 * HOUR),
      ]);
      const won = [extended.status === 200, booked.status === 201];
      expect(won.filter(Boolean)).toHaveLength(1);
      if (won[0]) expect(booked.status).toBe(409);
      else expect([extended.status, extended.body.error.code]).toEqual([409, 'CAR_TAKEN']);
      const now = await read(rental.reservationId);
      expect(now.returnAt).toBe(won[0] ? atLax(t0 + 100 * HOUR) : rental.returnAt);
      // The money follows what happened: the new total paid, or nothing more taken.
      expect((await money(rental.reservationId)).net).toBe(now.totalPrice);
      if (won[1]) await call('POST', `/reservations/${booked.body.reservationId}/cancel`, { ...v2, token: other.token });
    }
  });

  it('a change racing a cancel: one after the other, never a change of a cancelled rental; the money ends as the policy says', async () => {
    const carId = await newCar('Stonic');
    const t0 = await runtimeNow();
    const rental = await bookAndPay(customer, carId, t0 + 72 * HOUR, t0 + 96 * HOUR);
    const id = rental.reservationId;
    const [changed, cancelled] = await Promise.all([
      change(id, customer.token, { returnAt: atLax(t0 + 100 * HOUR), payment: CARD }),
      call('POST', `/reservations/${id}/cancel`, { ...v2, token: customer.token }),
    ]);
    expect([200, 409]).toContain(changed.status);
    expect([200, 409]).toContain(cancelled.status);
    const final = await read(id);
    if (final.status === 'Cancelled') {
      // Cancelled 48 hours or more ahead: every payment (the change's too, if it landed first) comes back.
      expect(cancelled.status).toBe(200);
      const until = Date.now() + 20_000;
      while ((await money(id)).net !== 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect((await money(id)).net).toBe(0);
    } else {
      expect([final.status, changed.status, cancelled.status]).toEqual(['Confirmed', 200, 409]);
      expect((await money(id)).net).toBe(final.totalPrice);
    }
    // Either way the car is free or held exactly as the reservation says: the added hours book when it is cancelled.
    const after = await book(other, carId, t0 + 97 * HOUR, t0 + 99 * HOUR);
    expect(after.status).toBe(final.status === 'Cancelled' ? 201 : 409);
  });
});
