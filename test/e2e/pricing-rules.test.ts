import { call } from '../support/booking-client';
import { adminToken, customerToken } from '../support/tokens';

/**
 * The pricing rules' routes (v2) against the local runtime: an admin (with MFA) replaces a location's
 * rules, its extras and a car's rates and reads them back; anyone reads them; a customer may not change
 * them; bad input is a 400 naming each field; If-Match guards a change. BZN has no demo fleet or rules,
 * so nothing else in the suite prices there; the demo locations show what `npm start` seeds.
 */
const v2 = { version: 'v2' } as const;
let admin: string;
let customer: string;

beforeAll(async () => {
  [admin, customer] = await Promise.all([adminToken(), customerToken()]);
});

const rules = {
  currency: 'USD',
  rates: { SUV: { currency: 'USD', dailyMinor: 8000, weeklyDailyMinor: 7000, monthlyDailyMinor: 6000 } },
  seasons: [{ name: 'Ski season', from: '2027-12-15', to: '2028-03-31', multiplierBp: 13_000 }],
  weekend: { days: ['saturday', 'sunday'], multiplierBp: 11_000 },
  charges: [
    { name: 'AIRPORT_FEE', label: 'Airport fee', kind: 'fee', percentBp: 1000, appliesTo: ['rate'] },
    { name: 'LODGING_TAX', label: 'Resort tax', kind: 'tax', percentBp: 887.5, appliesTo: ['rate', 'fees'] },
  ],
  oneWay: [{ to: 'SLC', dropFeeMinor: 25_000 }],
  drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25, dailyMinor: 2500 } },
};
const extras = {
  currency: 'USD',
  extras: [
    { code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', capMinor: 6000, maxQuantity: 2, stock: 2 },
    { code: 'CDW', label: 'Collision damage waiver', priceMinor: 2999, per: 'day', maxQuantity: 1 },
  ],
};

describe('pricing rules (v2)', () => {
  it('an admin replaces a location’s rules and anyone reads them back, with their version as ETag', async () => {
    const before = await call('GET', '/locations/BZN/pricing', v2);
    expect(before.status).toBe(200);
    const put = await call('PUT', '/locations/BZN/pricing', { ...v2, token: admin, body: rules });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ location: 'BZN', ...rules, version: before.body.version + 1 });
    expect(put.headers.get('etag')).toBe(`"${before.body.version + 1}"`);

    const read = await call('GET', '/locations/BZN/pricing', v2);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(put.body);
    expect(read.headers.get('etag')).toBe(put.headers.get('etag'));

    // If-Match: the version read is still current once; after that change it is stale (412) and nothing moves.
    const etag = read.headers.get('etag')!;
    const changed = { ...rules, seasons: [] };
    const guarded = await call('PUT', '/locations/BZN/pricing', { ...v2, token: admin, body: changed, headers: { 'if-match': etag } });
    expect([guarded.status, guarded.body.seasons]).toEqual([200, []]);
    const stale = await call('PUT', '/locations/BZN/pricing', { ...v2, token: admin, body: rules, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    expect((await call('GET', '/locations/BZN/pricing', v2)).body.seasons).toEqual([]);
  });

  it('an admin replaces a location’s extras (with stock) and a car’s own rates; anyone reads them', async () => {
    const set = await call('PUT', '/locations/BZN/extras', { ...v2, token: admin, body: extras });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ location: 'BZN', ...extras, version: expect.any(Number) });
    expect((await call('GET', '/locations/BZN/extras', v2)).body).toEqual(set.body);

    const car = { make: 'Subaru', model: 'Outback', year: 2025, type: 'SUV', location: 'BZN', rentalPricePerDay: 75 };
    const created = await call('POST', '/cars', { token: admin, body: car });
    expect(created.status).toBe(201);
    const { carId } = created.body;
    const path = `/cars/${carId}/rates`;
    expect((await call('GET', path, v2)).body).toMatchObject({ carId, rates: null, source: 'carType', version: 0 });
    const own = { currency: 'USD', dailyMinor: 7500, weeklyDailyMinor: 6500, hourlyMinor: 1500 };
    const rated = await call('PUT', path, { ...v2, token: admin, body: own, headers: { 'if-match': '"0"' } });
    expect(rated.status).toBe(200);
    expect(rated.body).toEqual({ carId, location: 'BZN', type: 'SUV', rates: own, effective: own, source: 'car', version: 1 });
    expect((await call('GET', path, v2)).body).toEqual(rated.body);
    // Removed, the car has no rates to read or set.
    expect((await call('DELETE', `/cars/${carId}`, { token: admin })).status).toBe(200);
    expect((await call('PUT', path, { ...v2, token: admin, body: own })).status).toBe(404);
    expect((await call('GET', path, v2)).status).toBe(404);
  });

  it('refuses a customer (403) and an anonymous caller (401) every change', async () => {
    for (const [path, body] of [
      ['/locations/BZN/pricing', rules],
      ['/locations/BZN/extras', extras],
      ['/cars/00000000-0000-4000-8000-000000000000/rates', { currency: 'USD', dailyMinor: 100 }],
    ] as const) {
      const asCustomer = await call('PUT', path, { ...v2, token: customer, body });
      expect([path, asCustomer.status, asCustomer.body.error.code]).toEqual([path, 403, 'FORBIDDEN']);
      expect([path, (await call('PUT', path, { ...v2, body })).status]).toEqual([path, 401]);
    }
  });

  it('answers 400 naming each bad field, 404 for an unknown location or car', async () => {
    const bad = await call('PUT', '/locations/BZN/pricing', {
      ...v2,
      token: admin,
      body: {
        ...rules,
        rates: { SUV: { currency: 'USD', dailyMinor: 8000, weeklyDailyMinor: 9000 }, BOAT: { currency: 'USD', dailyMinor: 1 } },
        seasons: [{ name: 'Backwards', from: '2028-03-31', to: '2027-12-15', multiplierBp: 13_000 }],
        charges: [{ name: 'FEE', label: 'Fee\u202e', kind: 'fee', percentBp: 1000 }],
        colour: 'red',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const fields = bad.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.rates.SUV.weeklyDailyMinor',
        'body.rates.BOAT',
        'body.seasons.0.to',
        'body.charges.0.label',
        'body.charges.0.appliesTo',
        'body.colour',
      ]),
    );
    // The engine's checks of the whole: a one-way back to itself, a charge named twice.
    const whole = await call('PUT', '/locations/BZN/pricing', {
      ...v2,
      token: admin,
      body: { ...rules, oneWay: [{ to: 'BZN', dropFeeMinor: 1 }], charges: [rules.charges[0], rules.charges[0]] },
    });
    expect([whole.status, whole.body.error.details.fields.map((f: { field: string }) => f.field)]).toEqual([
      400,
      ['body.charges', 'body.oneWay.0.to'],
    ]);
    const euros = await call('PUT', '/locations/BZN/extras', { ...v2, token: admin, body: { ...extras, currency: 'EUR' } });
    expect([euros.status, euros.body.error.details.fields]).toEqual([
      400,
      [{ field: 'body.currency', message: 'Extras at BZN are priced in its currency, USD.' }],
    ]);
    const lower = await call('GET', '/locations/bzn/pricing', v2);
    expect([lower.status, lower.body.error.details.fields[0].field]).toEqual([400, 'params.code']);

    expect((await call('GET', '/locations/XXX/pricing', v2)).status).toBe(404);
    expect((await call('PUT', '/locations/XXX/extras', { ...v2, token: admin, body: extras })).status).toBe(404);
    expect((await call('GET', '/cars/00000000-0000-4000-8000-000000000000/rates', v2)).status).toBe(404);
  });

  it('is v2 only: v1 has no such routes', async () => {
    expect((await call('GET', '/locations/JFK/pricing')).status).toBe(404);
    expect((await call('PUT', '/locations/JFK/pricing', { token: admin, body: rules })).status).toBe(404);
  });

  it('the demo locations come with rules: a sales tax and an airport fee, rates, a season, weekends, one-way, extras', async () => {
    const jfk = await call('GET', '/locations/JFK/pricing', v2);
    expect(jfk.body).toMatchObject({
      currency: 'USD',
      rates: { SEDAN: { weeklyDailyMinor: expect.any(Number), monthlyDailyMinor: expect.any(Number) } },
      seasons: [expect.objectContaining({ multiplierBp: 12_000 })],
      weekend: { days: ['saturday', 'sunday'] },
      charges: [
        expect.objectContaining({ name: 'AIRPORT_FEE', kind: 'fee' }),
        expect.objectContaining({ name: 'SALES_TAX', kind: 'tax', percentBp: 887.5 }),
      ],
      drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25 } },
    });
    expect((await call('GET', '/locations/LAX/pricing', v2)).body.oneWay).toEqual([{ to: 'SEA', dropFeeMinor: 15_000 }]);
    const seats = await call('GET', '/locations/JFK/extras', v2);
    expect(seats.body.extras.map((e: { code: string }) => e.code)).toEqual(['CHILD_SEAT', 'GPS', 'ADDITIONAL_DRIVER', 'CDW']);
    expect(seats.body.extras[0].stock).toBe(3);
  });
});
