import { formatRentalTime } from '../../lambdas/domain/rental-time';
import { call, createCar, registerCustomer, runtimeNow, type Customer } from '../support/booking-client';
import { adminToken } from '../support/tokens';

/**
 * Review of PATCH /v2/reservations/{id} (issue 20): the same change sent many times at once (a client
 * retrying on a slow answer) must be made once and paid once. Found failing: a retry that resumed the
 * change (`carryOut`) after the first request had charged it, reaching `commitChange` once the first had
 * landed it, took its failed commit for "the change did not happen" and refunded the change's payment,
 * while the reservation kept the new, higher total.
 */
const v2 = { version: 'v2' } as const;
const HOUR = 3_600_000;
const atLax = (ms: number) => formatRentalTime(Math.floor(ms / 60_000) * 60_000, 'America/Los_Angeles');
const CARD = { paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } };
const cents = (amount: number) => Math.round(amount * 100);

let admin: string;
let customer: Customer;

beforeAll(async () => {
  admin = await adminToken();
  customer = await registerCustomer('Retrying Customer');
}, 180_000);

const net = async (id: string) => {
  const listed = (await call('GET', `/reservations/${id}/payments`, { ...v2, token: customer.token })).body;
  const paid = (listed.payments as Array<{ amount: number; status: string }>).filter((p) => p.status === 'Completed');
  return (
    (paid.reduce((s, p) => s + cents(p.amount), 0) -
      (listed.refunds as Array<{ amount: number }>).reduce((s, r) => s + cents(r.amount), 0)) /
    100
  );
};

it('ten identical PATCHes at once: the change is made once, and the money paid is the new total', async () => {
  for (let round = 0; round < 3; round++) {
    const carId = await createCar(admin, {
      make: 'Kia',
      model: `Retry ${round}`,
      year: 2025,
      type: 'SEDAN',
      location: 'LAX',
      rentalPricePerDay: 50,
    });
    const t0 = await runtimeNow();
    const booked = await call('POST', '/reservations', {
      ...v2,
      token: customer.token,
      headers: { prefer: 'wait=10' },
      body: { carId, pickupAt: atLax(t0 + 72 * HOUR), returnAt: atLax(t0 + 96 * HOUR) },
    });
    expect(booked.status).toBe(201);
    const id: string = booked.body.reservationId;
    const paid = await call('POST', '/payments', {
      ...v2,
      token: customer.token,
      headers: { 'idempotency-key': `retry-${id}` },
      body: { reservationId: id, amount: booked.body.totalPrice, ...CARD },
    });
    expect(paid.status).toBe(201);

    const body = { returnAt: atLax(t0 + 120 * HOUR), payment: CARD };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call('PATCH', `/reservations/${id}`, { ...v2, token: customer.token, body })),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const now = (await call('GET', `/reservations/${id}`, { ...v2, token: customer.token })).body;
    // Changed (some answer said so), or not: the money follows the reservation either way.
    expect(now.returnAt).toBe(answers.some((a) => a.status === 200) ? body.returnAt : booked.body.returnAt);
    expect(await net(id)).toBe(now.totalPrice);
  }
});

describe('the cancellation policy within 48 hours of pick-up (a change keeps what a cancel would)', () => {
  const bookPaid = async (fromMs: number, toMs: number) => {
    const carId = await createCar(admin, {
      make: 'Kia',
      model: 'Policy',
      year: 2025,
      type: 'SEDAN',
      location: 'LAX',
      rentalPricePerDay: 50,
    });
    const booked = await call('POST', '/reservations', {
      ...v2,
      token: customer.token,
      headers: { prefer: 'wait=10' },
      body: { carId, pickupAt: atLax(fromMs), returnAt: atLax(toMs) },
    });
    const id: string = booked.body.reservationId;
    await call('POST', '/payments', {
      ...v2,
      token: customer.token,
      headers: { 'idempotency-key': `policy-${id}` },
      body: { reservationId: id, amount: booked.body.totalPrice, ...CARD },
    });
    return { id, total: booked.body.totalPrice as number };
  };

  it('moving the pick-up out of the window, then cancelling, does not refund more than cancelling at once would', async () => {
    const t0 = await runtimeNow();
    const { id, total } = await bookPaid(t0 + 3 * HOUR, t0 + 123 * HOUR);
    const moved = await call('PATCH', `/reservations/${id}`, {
      ...v2,
      token: customer.token,
      body: { pickupAt: atLax(t0 + 20 * 24 * HOUR), returnAt: atLax(t0 + 20 * 24 * HOUR + 120 * HOUR), payment: CARD },
    });
    expect(moved.status).toBe(200);
    expect((await call('POST', `/reservations/${id}/cancel`, { ...v2, token: customer.token })).status).toBe(200);
    const until = Date.now() + 10_000;
    while ((await net(id)) > cents(total) / 200 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    // Cancelled 3 hours before pick-up, half of the booking's total is kept.
    expect(await net(id)).toBeGreaterThanOrEqual(Math.floor(cents(total) / 2) / 100);
  });

  it('changing the return back and forth does not wear the kept share away', async () => {
    const t0 = await runtimeNow();
    const { id, total } = await bookPaid(t0 + 3 * HOUR, t0 + 123 * HOUR);
    const first = await call('PATCH', `/reservations/${id}`, { ...v2, token: customer.token, body: { returnAt: atLax(t0 + 27 * HOUR) } });
    expect(first.status).toBe(200);
    const kept = await net(id);
    for (let i = 0; i < 6; i++) {
      const returnAt = atLax(t0 + (i % 2 === 0 ? 26 : 27) * HOUR);
      expect((await call('PATCH', `/reservations/${id}`, { ...v2, token: customer.token, body: { returnAt, payment: CARD } })).status).toBe(
        200,
      );
    }
    expect(await net(id)).toBeGreaterThanOrEqual(kept);
    expect(kept).toBeLessThan(total);
  });
});
