import { advanceClock, call, createCar, day, registerCustomer, runtimeNow } from '../support/booking-client';
import { adminToken } from '../support/tokens';

/**
 * Quotes (v2) against the local runtime, at LAX with the rules `npm start` seeds there (sales tax, airport
 * fee, weekly rates, weekends, one-way to SEA, extras, a young-driver fee under 25): a quote's lines, bad
 * input (400 naming fields), rules refused (422 naming the rule), and who may read a quote.
 */
const v2 = { version: 'v2' } as const;
let carId: string;
let customer: { token: string };
let other: { token: string };

/** A local date-time at LAX `days` from now, at 10:00 (LAX is open round the clock). */
const localAt = (days: number) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T10:00`;
// Eight days always take in a weekend, and the weekly rate.
const trip = () => ({ carId, pickupAt: localAt(10), returnAt: localAt(18) });

beforeAll(async () => {
  const admin = await adminToken();
  [carId, customer, other] = await Promise.all([
    createCar(admin, { make: 'Kia', model: 'K5', year: 2025, type: 'SEDAN', location: 'LAX', rentalPricePerDay: 52 }),
    registerCustomer('Quote Customer'),
    registerCustomer('Other Customer'),
  ]);
});

const sum = (amounts: number[]) => Math.round(amounts.reduce((a, b) => a + b * 100, 0)) / 100;

describe('quotes (v2)', () => {
  it('an anonymous quote at LAX: rates, weekend, one-way, an extra, young driver, fee and tax, summing to the total', async () => {
    const body = { ...trip(), returnLocation: 'SEA', extras: [{ code: 'CHILD_SEAT', quantity: 1 }], driverAge: 22 };
    const res = await call('POST', '/quotes', { ...v2, body });
    expect(res.status).toBe(201);
    const quote = res.body;
    expect(res.headers.get('location')).toBe(`/v2/quotes/${quote.quoteId}`);
    const codes: string[] = quote.lines.map((line: { code: string }) => line.code);
    expect(codes).toEqual(expect.arrayContaining(['BASE', 'WEEKEND', 'ONE_WAY', 'EXTRA:CHILD_SEAT', 'YOUNG_DRIVER']));
    expect(codes.some((code) => code.startsWith('FEE:'))).toBe(true);
    expect(codes.some((code) => code.startsWith('TAX:'))).toBe(true);
    expect(codes.length).toBeGreaterThanOrEqual(6);
    expect(quote.currency).toBe('USD');
    expect(sum(quote.lines.map((line: { amount: number }) => line.amount))).toBe(quote.total);
    expect(sum([quote.subtotal, quote.taxTotal])).toBe(quote.total);
    // The runtime's clock (other tests move it forward), not this process's.
    const validFor = Date.parse(quote.expiresAt) - (await runtimeNow());
    expect(validFor).toBeGreaterThan(14 * 60_000);
    expect(validFor).toBeLessThanOrEqual(15 * 60_000);

    // Anyone holding an anonymous quote's id reads it back as issued.
    const read = await call('GET', `/quotes/${quote.quoteId}`, v2);
    expect([read.status, read.body]).toEqual([200, quote]);
    expect((await call('GET', `/quotes/${quote.quoteId}`, { ...v2, token: other.token })).status).toBe(200);
  });

  it('a customer’s quote is theirs: another customer, or nobody, gets a 404', async () => {
    const res = await call('POST', '/quotes', { ...v2, token: customer.token, body: trip() });
    expect(res.status).toBe(201);
    const path = `/quotes/${res.body.quoteId}`;
    expect((await call('GET', path, { ...v2, token: customer.token })).body).toEqual(res.body);
    const theirs = await call('GET', path, { ...v2, token: other.token });
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await call('GET', path, v2)).status).toBe(404);
  });

  it('a signed-in caller’s age comes from the profile: driverAge is a 400', async () => {
    const res = await call('POST', '/quotes', { ...v2, token: customer.token, body: { ...trip(), driverAge: 30 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.driverAge']);
  });

  it('an invalid token is a 401, as on a protected route', async () => {
    expect((await call('POST', '/quotes', { ...v2, token: 'not-a-token', body: trip() })).status).toBe(401);
  });

  it('bad input is a 400 naming each field', async () => {
    const res = await call('POST', '/quotes', {
      ...v2,
      body: { carId: 'nope', pickupAt: 'tomorrow', returnAt: localAt(12), extras: [{ code: 'child seat', quantity: 0 }] },
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.carId', 'body.pickupAt', 'body.extras.0.code', 'body.extras.0.quantity']));

    const unknown = await call('POST', '/quotes', { ...v2, body: { ...trip(), extras: [{ code: 'JETPACK', quantity: 1 }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields).toEqual([expect.objectContaining({ field: 'body.extras.0.code', rule: 'EXTRA_UNKNOWN' })]);

    const reversed = await call('POST', '/quotes', { ...v2, body: { ...trip(), returnAt: localAt(9) } });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details.fields.map((f: { field: string }) => f.field)).toContain('body.returnAt');

    const missing = await call('POST', '/quotes', { ...v2, body: { ...trip(), carId: '00000000-0000-4000-8000-000000000000' } });
    expect(missing.status).toBe(404);
  });

  it('rules refused are a 422 naming the rule: one-way not allowed, driver under the minimum age', async () => {
    const oneWay = await call('POST', '/quotes', { ...v2, body: { ...trip(), returnLocation: 'JFK' } });
    expect([oneWay.status, oneWay.body.error.code]).toEqual([422, 'ONE_WAY_NOT_ALLOWED']);
    expect(oneWay.body.error.details.fields).toEqual([
      expect.objectContaining({ field: 'body.returnLocation', rule: 'ONE_WAY_NOT_ALLOWED' }),
    ]);
    const young = await call('POST', '/quotes', { ...v2, body: { ...trip(), driverAge: 18 } });
    expect([young.status, young.body.error.code]).toEqual([422, 'DRIVER_UNDER_MINIMUM_AGE']);
  });

  it('is v2 only', async () => {
    expect((await call('POST', '/quotes', { body: trip() })).status).toBe(404);
  });
});

describe('booking a quote, and by times (v2): sold at the quoted price to an eligible driver', () => {
  const book = (token: string, body: Record<string, unknown>) =>
    call('POST', '/reservations', { ...v2, token, body, headers: { prefer: 'wait=10' } });
  const payKey = () => ({ 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` });

  it('books a quote with extras at its total, keeps its lines, is paid that total, and its cancellation refunds it', async () => {
    const quoted = await call('POST', '/quotes', {
      ...v2,
      token: customer.token,
      body: { ...trip(), extras: [{ code: 'GPS', quantity: 1 }] },
    });
    expect(quoted.status).toBe(201);
    const booked = await book(customer.token, { quoteId: quoted.body.quoteId });
    expect([booked.status, booked.body.status]).toEqual([201, 'Pending']);
    expect(booked.body).toMatchObject({ quoteId: quoted.body.quoteId, totalPrice: quoted.body.total, lines: quoted.body.lines });
    expect(booked.body.price).toMatchObject({ currency: 'USD', total: quoted.body.total });
    const id = booked.body.reservationId;
    expect((await call('GET', `/reservations/${id}`, { ...v2, token: customer.token })).body.lines).toEqual(quoted.body.lines);

    // Paying another total, or in another currency, is refused; the quoted total in USD is taken.
    const pay = (amount: number, extra: Record<string, unknown> = {}) =>
      call('POST', '/payments', {
        ...v2,
        token: customer.token,
        headers: payKey(),
        body: { reservationId: id, amount, paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' }, ...extra },
      });
    expect((await pay(quoted.body.total - 1)).status).toBe(400);
    const euros = await pay(quoted.body.total, { currency: 'EUR' });
    expect([euros.status, euros.body.error.code]).toEqual([422, 'CURRENCY_MISMATCH']);
    const paid = await pay(quoted.body.total, { currency: 'USD' });
    expect([paid.status, paid.body.amount, paid.body.currency]).toEqual([201, quoted.body.total, 'USD']);

    // Cancelled ten days ahead: the policy refunds all of it, on the quoted total, to the payment.
    const cancelled = await call('POST', `/reservations/${id}/cancel`, { ...v2, token: customer.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.refund).toEqual({ percent: 100, amount: quoted.body.total });
    const refunds = async () => (await call('GET', `/reservations/${id}/payments`, { ...v2, token: customer.token })).body.refunds;
    const deadline = Date.now() + 20_000;
    while ((await refunds()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await refunds()).toEqual([expect.objectContaining({ amount: quoted.body.total, source: 'cancellation' })]);
  });

  it('by car and times, a booking is priced now as a quote would be: its lines sum to its total', async () => {
    const plain = await call('POST', '/quotes', {
      ...v2,
      token: customer.token,
      body: { ...trip(), pickupAt: localAt(30), returnAt: localAt(33) },
    });
    const booked = await book(customer.token, { carId, pickupAt: localAt(30), returnAt: localAt(33) });
    expect([booked.status, booked.body.status]).toEqual([201, 'Pending']);
    expect(booked.body.quoteId).toBeUndefined();
    expect(booked.body.lines).toEqual(plain.body.lines);
    expect(booked.body.totalPrice).toBe(plain.body.total);
    expect(sum(booked.body.lines.map((line: { amount: number }) => line.amount))).toBe(booked.body.totalPrice);
  });

  it("the driver's profile decides: no licence, or one expiring before the return, is a 422 naming the rule; nothing is booked", async () => {
    const bare = await registerCustomer('No Licence', { driver: false });
    const missing = await book(bare.token, { carId, pickupAt: localAt(40), returnAt: localAt(41) });
    expect([missing.status, missing.body.error.code]).toEqual([422, 'DRIVER_DETAILS_MISSING']);
    expect(missing.body.error.details.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'licence', rule: 'DRIVER_DETAILS_MISSING' })]),
    );
    const expiring = { dateOfBirth: '1990-04-12', licence: { number: 'X-1', country: 'US', expiresOn: day(40) } };
    expect((await call('PATCH', '/users/me', { ...v2, token: bare.token, body: expiring })).status).toBe(200);
    const lapsing = await book(bare.token, { carId, pickupAt: localAt(40), returnAt: localAt(42) });
    expect([lapsing.status, lapsing.body.error.code]).toEqual([422, 'LICENCE_EXPIRES_BEFORE_RETURN']);
    expect(lapsing.body.error.details.fields).toEqual([expect.objectContaining({ field: 'licence.expiresOn' })]);
    const history = await call('GET', `/users/${bare.userId}/reservations`, { ...v2, token: bare.token });
    expect(history.body.reservations).toEqual([]);
  });

  it('an anonymous quote priced for another age is a 409 QUOTE_DRIVER_MISMATCH; a lapsed quote is a 409 QUOTE_EXPIRED with a fresh price', async () => {
    const young = await call('POST', '/quotes', {
      ...v2,
      body: { ...trip(), pickupAt: localAt(50), returnAt: localAt(52), driverAge: 22 },
    });
    const mismatch = await book(customer.token, { quoteId: young.body.quoteId });
    expect([mismatch.status, mismatch.body.error.code]).toEqual([409, 'QUOTE_DRIVER_MISMATCH']);

    const mine = await call('POST', '/quotes', {
      ...v2,
      token: customer.token,
      body: { ...trip(), pickupAt: localAt(55), returnAt: localAt(57) },
    });
    await advanceClock(16 * 60);
    const lapsed = await book(customer.token, { quoteId: mine.body.quoteId });
    expect([lapsed.status, lapsed.body.error.code]).toEqual([409, 'QUOTE_EXPIRED']);
    expect(lapsed.body.error.details).toMatchObject({
      quoteId: mine.body.quoteId,
      freshQuote: { currency: 'USD', total: mine.body.total },
    });
    const fresh = await call('GET', `/quotes/${lapsed.body.error.details.freshQuote.quoteId}`, { ...v2, token: customer.token });
    expect(fresh.body.total).toBe(mine.body.total);
  });
});
