import { DEFAULT_COUNTER_RULES } from '../../../lambdas/domain/counter/terms';
import {
  carRates,
  locationPricing,
  priceRental,
  rateCardFor,
  resolveRateCard,
  setCarRates,
  setLocationExtras,
  setLocationPricing,
  type LocationRules,
  type PricingWriteDeps,
} from '../../../lambdas/domain/pricing';
import { AppError, type FieldIssue } from '../../../lambdas/shared/errors';
import { FakePricingRules } from './fake-pricing-rules';
import { period } from './support';

const clock = { now: () => new Date('2027-01-10T12:00:00Z') };
let store: FakePricingRules;
let invalidated: string[];
let deps: PricingWriteDeps;

beforeEach(() => {
  store = new FakePricingRules();
  invalidated = [];
  deps = {
    pricing: store,
    clock,
    cache: {
      invalidateLocation: async (location) => void invalidated.push(`location:${location}`),
      invalidateCar: async (carId) => void invalidated.push(`car:${carId}`),
    },
  };
  store.addCar({ carId: 'car-1', type: 'SEDAN', location: 'JFK', pricePerDayMinor: 5400 });
});

/** JFK's rules: a sedan card, a summer season, weekends, an airport fee and the city's sales tax, one-way to EWR, drivers. */
const jfk = (more: Partial<LocationRules> = {}): LocationRules => ({
  currency: 'USD',
  rates: { SEDAN: { currency: 'USD', dailyMinor: 5000, weeklyDailyMinor: 4500, monthlyDailyMinor: 4000 } },
  seasons: [{ name: 'Summer', from: '2027-07-01', to: '2027-08-31', multiplierBp: 12_500 }],
  weekend: { days: ['saturday', 'sunday'], multiplierBp: 11_000 },
  charges: [
    { name: 'AIRPORT', label: 'Airport concession fee', kind: 'fee', percentBp: 1111, appliesTo: ['rate'] },
    { name: 'SALES', label: 'Sales tax', kind: 'tax', percentBp: 887.5, appliesTo: ['rate', 'fees', 'extras'] },
  ],
  oneWay: [{ to: 'EWR', dropFeeMinor: 7500 }],
  drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25, dailyMinor: 2500 } },
  ...more,
});
const childSeat = {
  code: 'CHILD_SEAT',
  label: 'Child seat',
  priceMinor: 1200,
  per: 'day',
  capMinor: 5000,
  maxQuantity: 2,
  stock: 3,
} as const;

/** The error a call is refused with (the test fails if it is not refused). */
const refusal = async (promise: Promise<unknown>): Promise<AppError> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('not refused');
};
const fields = (err: AppError) => ((err.details as { fields: FieldIssue[] }).fields ?? []).map((f) => f.field);

describe('a location’s pricing', () => {
  it('is the defaults until set: USD, no fees, seasons, one-way or extras, every car at its own daily price', async () => {
    const pricing = await locationPricing(deps, 'SFO');
    expect(pricing).toEqual({
      location: 'SFO',
      rules: { location: 'SFO', currency: 'USD', seasons: [], charges: [], extras: [], drivers: { minimumAge: 18 } },
      rates: {},
      oneWay: [],
      counter: DEFAULT_COUNTER_RULES,
      counterSet: false,
      version: 0,
      extrasVersion: 0,
    });
    expect(rateCardFor({ type: 'SUV', pricePerDayMinor: 7900 }, pricing)).toEqual({ currency: 'USD', dailyMinor: 7900 });
  });

  it('is 404 for a code that is no location', async () => {
    expect(await refusal(locationPricing(deps, 'XXX'))).toMatchObject({ kind: 'NOT_FOUND', message: 'Location XXX was not found.' });
    expect(await refusal(setLocationPricing(deps, 'XXX', jfk()))).toMatchObject({ kind: 'NOT_FOUND' });
    expect(await refusal(setLocationExtras(deps, 'XXX', { currency: 'USD', extras: [] }))).toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('is replaced whole, each write adding one to its version, and prices with the engine as set', async () => {
    const first = await setLocationPricing(deps, 'JFK', jfk());
    expect(first.version).toBe(1);
    expect(first.rules).toMatchObject({ location: 'JFK', currency: 'USD', charges: jfk().charges, extras: [] });
    expect(first.oneWay).toEqual([{ from: 'JFK', to: 'EWR', dropFeeMinor: 7500 }]);
    expect(invalidated).toEqual(['location:JFK']);
    const second = await setLocationPricing(deps, 'JFK', jfk({ seasons: [], weekend: undefined }));
    expect(second.version).toBe(2);
    expect(second.rules.seasons).toEqual([]);
    expect(second.rules.weekend).toBeUndefined();

    // What the quotes will do with it: the car type's card, the fee and the tax on a one-way rental.
    const pricing = await locationPricing(deps, 'JFK');
    const rates = rateCardFor({ type: 'SEDAN', pricePerDayMinor: 5400 }, pricing);
    const priced = priceRental({
      period: period('2027-03-01T10:00', '2027-03-03T10:00', 'America/New_York'),
      carType: 'SEDAN',
      rates,
      rules: pricing.rules,
      oneWay: pricing.oneWay,
      returnLocation: 'EWR',
    });
    expect(priced.ok && priced.quote.lines.map((l) => [l.code, l.amountMinor])).toEqual([
      ['BASE', 10_000],
      ['ONE_WAY', 7500],
      ['FEE:AIRPORT', 1111],
      ['TAX:SALES', 986], // 8.875 % of 111.11 is 9.861...
    ]);
  });

  it('takes If-Match: 0 only while never set, then the current version; another is a 412 and writes nothing', async () => {
    expect((await setLocationPricing(deps, 'JFK', jfk(), 0)).version).toBe(1);
    expect(await refusal(setLocationPricing(deps, 'JFK', jfk(), 0))).toMatchObject({
      kind: 'PRECONDITION_FAILED',
      details: { expectedVersion: 0 },
    });
    expect((await setLocationPricing(deps, 'JFK', jfk(), 1)).version).toBe(2);
    expect(await refusal(setLocationPricing(deps, 'JFK', jfk(), 1))).toMatchObject({ kind: 'PRECONDITION_FAILED' });
    expect(store.writes).toBe(2);
  });

  it('refuses bad rules with a 400 naming every field, the engine’s checks of the whole included, and writes nothing', async () => {
    const bad = {
      ...jfk(),
      rates: { SEDAN: { currency: 'EUR', dailyMinor: 5000, weeklyDailyMinor: 6000 } },
      seasons: [
        { name: 'Summer', from: '2027-07-01', to: '2027-08-31', multiplierBp: 12_500 },
        { name: 'Also summer', from: '2027-07-01', to: '2027-08-31', multiplierBp: 13_000 },
      ],
      charges: [jfk().charges[0], jfk().charges[0]],
      oneWay: [{ to: 'JFK', dropFeeMinor: 100 }],
      surcharge: 5,
    };
    const err = await refusal(setLocationPricing(deps, 'JFK', bad));
    expect(err.kind).toBe('VALIDATION');
    expect(fields(err)).toEqual(['body.rates.SEDAN.weeklyDailyMinor', 'body.surcharge', 'body.rates.SEDAN.currency']);
    // Field by field first; the whole (duplicates, a one-way to itself) once each part is well formed.
    const { surcharge: _unknown, ...known } = bad;
    const whole = await refusal(setLocationPricing(deps, 'JFK', { ...known, rates: jfk().rates }));
    expect(fields(whole)).toEqual(['body.charges', 'body.seasons', 'body.oneWay.0.to']);
    const mixed = await refusal(setLocationPricing(deps, 'JFK', jfk({ rates: { SEDAN: { currency: 'EUR', dailyMinor: 5000 } } })));
    expect((mixed.details as { fields: FieldIssue[] }).fields).toEqual([
      { field: 'body.rates.SEDAN.currency', message: 'Rates here are in USD.' },
    ]);
    expect(store.writes).toBe(0);
  });

  it('in another currency than USD, needs a card for every car type (a car’s own daily price is in USD)', async () => {
    const eur = (dailyMinor: number) => ({ currency: 'EUR', dailyMinor });
    const err = await refusal(setLocationPricing(deps, 'JFK', jfk({ currency: 'EUR', rates: { SEDAN: eur(5000) }, charges: [] })));
    expect(fields(err)).toEqual(['SUV', 'TRUCK', 'VAN', 'COMPACT', 'LUXURY', 'CONVERTIBLE', 'ELECTRIC'].map((t) => `body.rates.${t}`));
    const all = Object.fromEntries(
      ['SEDAN', 'SUV', 'TRUCK', 'VAN', 'COMPACT', 'LUXURY', 'CONVERTIBLE', 'ELECTRIC'].map((t) => [t, eur(6000)]),
    );
    const set = await setLocationPricing(deps, 'JFK', jfk({ currency: 'EUR', rates: all, charges: [] }));
    expect(set.rules.currency).toBe('EUR');
  });
});

describe('a location’s extras', () => {
  it('are replaced whole in the location’s currency, with their own version; the rules stay as they are', async () => {
    await setLocationPricing(deps, 'JFK', jfk());
    const set = await setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [childSeat] });
    expect([set.extrasVersion, set.version, set.rules.extras, set.rules.charges]).toEqual([1, 1, [childSeat], jfk().charges]);
    const again = await setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [] }, 1);
    expect([again.extrasVersion, again.rules.extras]).toEqual([2, []]);
    expect(await refusal(setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [] }, 1))).toMatchObject({
      kind: 'PRECONDITION_FAILED',
    });
    // And setting the rules keeps the extras.
    await setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [childSeat] });
    expect((await setLocationPricing(deps, 'JFK', jfk())).rules.extras).toEqual([childSeat]);
  });

  it('refuses bad extras naming each field, and extras in another currency than the location’s', async () => {
    const gps = { code: 'GPS', label: 'GPS', priceMinor: 900, per: 'rental', capMinor: 100, maxQuantity: 1 };
    const err = await refusal(setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [childSeat, childSeat, gps] }));
    expect(fields(err)).toEqual(['body.extras.2.capMinor']);
    expect(fields(await refusal(setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [childSeat, childSeat] })))).toEqual([
      'body.extras',
    ]);
    const eur = await refusal(setLocationExtras(deps, 'JFK', { currency: 'EUR', extras: [childSeat] }));
    expect((eur.details as { fields: FieldIssue[] }).fields).toEqual([
      { field: 'body.currency', message: 'Extras at JFK are priced in its currency, USD.' },
    ]);
    expect(store.writes).toBe(0);
  });

  it('keep the location’s currency: the rules change it only once the extras are cleared', async () => {
    await setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [childSeat] });
    const all = Object.fromEntries(
      ['SEDAN', 'SUV', 'TRUCK', 'VAN', 'COMPACT', 'LUXURY', 'CONVERTIBLE', 'ELECTRIC'].map((t) => [
        t,
        { currency: 'EUR', dailyMinor: 6000 },
      ]),
    );
    const euros = jfk({ currency: 'EUR', rates: all, charges: [] });
    expect(await refusal(setLocationPricing(deps, 'JFK', euros))).toMatchObject({ kind: 'CONFLICT', code: 'CURRENCY_MISMATCH' });
    await setLocationExtras(deps, 'JFK', { currency: 'USD', extras: [] });
    expect((await setLocationPricing(deps, 'JFK', euros)).rules.currency).toBe('EUR');
    expect((await setLocationExtras(deps, 'JFK', { currency: 'EUR', extras: [childSeat] })).rules.extras).toEqual([childSeat]);
  });
});

describe('a car’s rates', () => {
  const own = { currency: 'USD', dailyMinor: 6000, weeklyDailyMinor: 5200, hourlyMinor: 1500 };

  it('come from its own card, else its type’s at its location, else its price per day', async () => {
    expect(await carRates(deps, 'car-1')).toMatchObject({ rates: { currency: 'USD', dailyMinor: 5400 }, source: 'pricePerDay' });
    await setLocationPricing(deps, 'JFK', jfk());
    expect(await carRates(deps, 'car-1')).toMatchObject({ rates: jfk().rates.SEDAN, source: 'carType' });
    const set = await setCarRates(deps, 'car-1', own);
    expect(set).toMatchObject({ car: { carId: 'car-1', rates: own, ratesVersion: 1 }, rates: own, source: 'car' });
    expect(invalidated).toContain('car:car-1');
    expect(await carRates(deps, 'car-1')).toMatchObject({ rates: own, source: 'car' });
  });

  it('pass over a card of the car in another currency than its location’s (moved, or the location changed currency)', () => {
    const pricing = { rules: { currency: 'USD' }, rates: { SEDAN: { currency: 'USD', dailyMinor: 5000 } } } as never;
    expect(resolveRateCard({ type: 'SEDAN', pricePerDayMinor: 5400, rates: { currency: 'EUR', dailyMinor: 1 } }, pricing)).toEqual({
      rates: { currency: 'USD', dailyMinor: 5000 },
      source: 'carType',
    });
  });

  it('are refused for an unknown or removed car (404), in another currency (400), badly formed (400), or stale (412)', async () => {
    expect(await refusal(setCarRates(deps, 'nope', own))).toMatchObject({ kind: 'NOT_FOUND', message: 'Car nope was not found.' });
    store.addCar({ carId: 'gone', type: 'SUV', location: 'JFK', pricePerDayMinor: 7900, active: false });
    expect(await refusal(setCarRates(deps, 'gone', own))).toMatchObject({ kind: 'NOT_FOUND' });
    expect(await refusal(carRates(deps, 'gone'))).toMatchObject({ kind: 'NOT_FOUND' });
    const eur = await refusal(setCarRates(deps, 'car-1', { ...own, currency: 'EUR' }));
    expect((eur.details as { fields: FieldIssue[] }).fields).toEqual([
      { field: 'body.currency', message: 'Rates at JFK are in its currency, USD.' },
    ]);
    expect(fields(await refusal(setCarRates(deps, 'car-1', { currency: 'USD', dailyMinor: 5000, weeklyDailyMinor: 5001 })))).toEqual([
      'body.weeklyDailyMinor',
    ]);
    expect(store.writes).toBe(0);
    await setCarRates(deps, 'car-1', own, 0);
    expect(await refusal(setCarRates(deps, 'car-1', own, 0))).toMatchObject({ kind: 'PRECONDITION_FAILED' });
    expect((await setCarRates(deps, 'car-1', { ...own, dailyMinor: 6500 }, 1)).car.ratesVersion).toBe(2);
  });
});
