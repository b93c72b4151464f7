import { call, createCar, registerCustomer, runtimeNow } from '../support/booking-client';
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
    expect([young.status, young.body.error.code]).toEqual([422, 'UNDER_MINIMUM_AGE']);
  });

  it('is v2 only', async () => {
    expect((await call('POST', '/quotes', { body: trip() })).status).toBe(404);
  });
});
