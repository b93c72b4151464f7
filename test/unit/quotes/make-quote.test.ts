import type { Profile } from '../../../lambdas/domain/accounts/model';
import type { Extra, LocationRules } from '../../../lambdas/domain/pricing';
import { getQuote, makeQuote, type QuoteDeps } from '../../../lambdas/domain/quotes/make-quote';
import { QUOTE_VALID_MS, type QuoteStore, type StoredQuote } from '../../../lambdas/domain/quotes/quote';
import { AppError } from '../../../lambdas/shared/errors';
import { FakePricingRules } from '../pricing/fake-pricing-rules';

// The quote use cases with fakes: what is priced (the location's rules, the car's card, the caller's age),
// what is stored, and how refusals are told apart (404, 400 naming fields, 422 naming the rule).
class MemoryQuotes implements QuoteStore {
  readonly items = new Map<string, StoredQuote>();
  async put(quote: StoredQuote) {
    this.items.set(quote.quoteId, structuredClone(quote));
  }
  async get(quoteId: string) {
    return structuredClone(this.items.get(quoteId));
  }
}

const NOW = new Date('2027-06-01T12:00:00Z');
const CAR = '11111111-1111-4111-8111-111111111111';
const rules: LocationRules = {
  currency: 'USD',
  rates: { SEDAN: { currency: 'USD', dailyMinor: 4000, weeklyDailyMinor: 3500 } },
  seasons: [],
  weekend: { days: ['saturday', 'sunday'], multiplierBp: 11_000 },
  charges: [
    { name: 'AIRPORT', label: 'Airport fee', kind: 'fee', percentBp: 1000, appliesTo: ['rate'] },
    { name: 'SALES', label: 'Sales tax', kind: 'tax', percentBp: 887.5, appliesTo: ['rate', 'fees', 'extras', 'oneWay', 'youngDriver'] },
  ],
  oneWay: [{ to: 'SFO', dropFeeMinor: 7500 }],
  drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25, dailyMinor: 2500 } },
};
const extras: Extra[] = [
  { code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', capMinor: 5000, maxQuantity: 2, stock: 3 },
  { code: 'GPS', label: 'GPS', priceMinor: 800, per: 'day', maxQuantity: 1 },
];

const setup = (profile?: Partial<Profile>) => {
  const pricing = new FakePricingRules();
  pricing.locations.set('LAX', { currency: 'USD', rules: { value: rules, version: 1 }, extras: { value: extras, version: 1 } });
  pricing.addCar({ carId: CAR, type: 'SEDAN', location: 'LAX', pricePerDayMinor: 9900 });
  const quotes = new MemoryQuotes();
  let ids = 0;
  const deps: QuoteDeps = {
    pricing,
    quotes,
    profiles: { get: async (userId) => (profile ? ({ userId, ...profile } as Profile) : undefined) },
    clock: { now: () => NOW },
    newId: () => `00000000-0000-4000-8000-00000000000${++ids}`,
    limits: () => ({ maxDays: 30, horizonDays: 365 }),
  };
  return { deps, quotes, pricing };
};

const trip = { carId: CAR, pickupAt: '2027-07-01T10:00', returnAt: '2027-07-09T10:00' };

const refusal = async (attempt: Promise<unknown>) => {
  try {
    await attempt;
  } catch (err) {
    if (err instanceof AppError) return { kind: err.kind, code: err.code, details: err.details };
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('makeQuote', () => {
  it('prices with the location’s rules and the car type’s card, stores the quote and returns it, valid 15 minutes', async () => {
    const { deps, quotes } = setup();
    const quote = await makeQuote(deps, undefined, {
      ...trip,
      returnLocation: 'SFO',
      extras: [
        { code: 'CHILD_SEAT', quantity: 1 },
        { code: 'GPS', quantity: 1 },
      ],
      driverAge: 23,
    });
    expect(quote.lines.map((l) => l.code)).toEqual([
      'BASE',
      'DISCOUNT',
      'WEEKEND',
      'ONE_WAY',
      'EXTRA:CHILD_SEAT',
      'EXTRA:GPS',
      'YOUNG_DRIVER',
      'FEE:AIRPORT',
      'TAX:SALES',
    ]);
    expect(quote.lines.reduce((sum, l) => sum + l.amountMinor, 0)).toBe(quote.totalMinor);
    expect(quote).toMatchObject({
      location: 'LAX',
      returnLocation: 'SFO',
      carId: CAR,
      currency: 'USD',
      driverAge: 23,
      pickupAt: '2027-07-01T10:00:00-07:00',
      extras: [
        { code: 'CHILD_SEAT', quantity: 1, stocked: true },
        { code: 'GPS', quantity: 1, stocked: false },
      ],
      createdAt: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + QUOTE_VALID_MS).toISOString(),
    });
    expect(quote.userId).toBeUndefined();
    expect(quotes.items.get(quote.quoteId)).toEqual(quote);
  });

  it('takes a signed-in customer’s age from the profile’s date of birth, at pick-up on the location’s calendar', async () => {
    // 25 on 2 July 2027: still 24 at the 1 July pick-up, so the young-driver fee applies.
    const { deps } = setup({ dateOfBirth: '2002-07-02' });
    const quote = await makeQuote(deps, { userId: 'u1' }, trip);
    expect(quote).toMatchObject({ userId: 'u1', driverAge: 24 });
    expect(quote.lines.map((l) => l.code)).toContain('YOUNG_DRIVER');
  });

  it('a signed-in customer without a date of birth gets a quote with neither age check nor fee', async () => {
    const { deps } = setup({});
    const quote = await makeQuote(deps, { userId: 'u1' }, trip);
    expect(quote.driverAge).toBeUndefined();
    expect(quote.lines.map((l) => l.code)).not.toContain('YOUNG_DRIVER');
  });

  it('refuses driverAge from a signed-in caller (400): their age is the profile’s', async () => {
    const { deps, quotes } = setup({ dateOfBirth: '1980-01-01' });
    expect(await refusal(makeQuote(deps, { userId: 'u1' }, { ...trip, driverAge: 40 }))).toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'body.driverAge' }] },
    });
    expect(quotes.items.size).toBe(0);
  });

  it('404 for an unknown or removed car', async () => {
    const { deps, pricing } = setup();
    expect((await refusal(makeQuote(deps, undefined, { ...trip, carId: '22222222-2222-4222-8222-222222222222' }))).kind).toBe('NOT_FOUND');
    pricing.cars.get(CAR)!.active = false;
    expect((await refusal(makeQuote(deps, undefined, trip))).kind).toBe('NOT_FOUND');
  });

  it('400 for times booking refuses, naming the fields and rules', async () => {
    const { deps } = setup();
    const refused = await refusal(makeQuote(deps, undefined, { ...trip, returnAt: '2027-06-30T10:00' }));
    expect(refused.kind).toBe('VALIDATION');
    expect((refused.details as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toContain('body.returnAt');
  });

  it('400 for extras the location does not offer or quantities out of bounds, each field named with its rule', async () => {
    const { deps } = setup();
    const refused = await refusal(
      makeQuote(deps, undefined, {
        ...trip,
        extras: [
          { code: 'JETPACK', quantity: 1 },
          { code: 'CHILD_SEAT', quantity: 3 },
        ],
      }),
    );
    expect(refused).toMatchObject({
      kind: 'VALIDATION',
      details: {
        fields: [
          { field: 'body.extras.0.code', rule: 'EXTRA_UNKNOWN' },
          { field: 'body.extras.1.quantity', rule: 'EXTRA_QUANTITY' },
        ],
      },
    });
  });

  it('422 coded by the rule for a one-way return not allowed and a driver under the minimum age', async () => {
    const { deps } = setup();
    expect(await refusal(makeQuote(deps, undefined, { ...trip, returnLocation: 'JFK' }))).toMatchObject({
      kind: 'UNPROCESSABLE',
      code: 'ONE_WAY_NOT_ALLOWED',
      details: { fields: [{ field: 'body.returnLocation', rule: 'ONE_WAY_NOT_ALLOWED' }] },
    });
    expect(await refusal(makeQuote(deps, undefined, { ...trip, driverAge: 19 }))).toMatchObject({
      kind: 'UNPROCESSABLE',
      code: 'DRIVER_UNDER_MINIMUM_AGE',
      details: { fields: [{ field: 'body.driverAge', rule: 'DRIVER_UNDER_MINIMUM_AGE' }] },
    });
    const young = setup({ dateOfBirth: '2010-01-01' });
    expect(await refusal(makeQuote(young.deps, { userId: 'u1' }, trip))).toMatchObject({
      code: 'DRIVER_UNDER_MINIMUM_AGE',
      details: { fields: [{ field: 'dateOfBirth' }] },
    });
  });

  it('a return to the pick-up location is a round trip', async () => {
    const { deps } = setup();
    const quote = await makeQuote(deps, undefined, { ...trip, returnLocation: 'LAX' });
    expect(quote.returnLocation).toBeUndefined();
    expect(quote.lines.map((l) => l.code)).not.toContain('ONE_WAY');
  });
});

describe('getQuote', () => {
  it('shows a customer’s quote to that customer only (404 to anyone else), an anonymous one to anyone', async () => {
    const { deps } = setup({});
    const mine = await makeQuote(deps, { userId: 'u1' }, trip);
    const anonymous = await makeQuote(deps, undefined, trip);
    expect((await getQuote(deps, { userId: 'u1' }, mine.quoteId)).quoteId).toBe(mine.quoteId);
    expect((await refusal(getQuote(deps, { userId: 'u2' }, mine.quoteId))).kind).toBe('NOT_FOUND');
    expect((await refusal(getQuote(deps, undefined, mine.quoteId))).kind).toBe('NOT_FOUND');
    expect((await getQuote(deps, { userId: 'u2' }, anonymous.quoteId)).quoteId).toBe(anonymous.quoteId);
    expect((await getQuote(deps, undefined, anonymous.quoteId)).quoteId).toBe(anonymous.quoteId);
    expect((await refusal(getQuote(deps, undefined, '99999999-9999-4999-8999-999999999999'))).kind).toBe('NOT_FOUND');
  });
});
