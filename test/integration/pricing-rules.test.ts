import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { DynamoPricingRules } from '../../lambdas/adapters/pricing/pricing-rules';
import type { CarSpec } from '../../lambdas/domain/fleet/car';
import { dayInterval } from '../../lambdas/domain/fleet/interval';
import { createCar, removeCar, updateCar } from '../../lambdas/domain/fleet/manage-cars';
import type { FleetDeps } from '../../lambdas/domain/fleet/ports';
import {
  carRates,
  locationPricing,
  setCarRates,
  setLocationExtras,
  setLocationPricing,
  type Extra,
  type LocationRules,
  type PricingWriteDeps,
} from '../../lambdas/domain/pricing';
import { systemClock } from '../../lambdas/shared/clock';
import { testTables, type TestTables } from '../support/aws-services';

// The pricing adapter against DynamoDB Local: a location's item, a car's rate card on the car item, and
// the conditions each write is made under (version, one currency per location, no resurrected car).
let aws: TestTables;
let db: DynamoDBDocumentClient;
let rules: DynamoPricingRules;
let cars: DynamoCarRepository;
let fleet: Pick<FleetDeps, 'cars' | 'cache' | 'clock' | 'newId' | 'reservations'>;
let deps: PricingWriteDeps;
const at = () => new Date().toISOString();
const noCache = { invalidateLocation: async () => undefined, invalidateCar: async () => undefined };

const sfo = (more: Partial<LocationRules> = {}): LocationRules => ({
  currency: 'USD',
  rates: { SUV: { currency: 'USD', dailyMinor: 8000, weeklyDailyMinor: 7000, monthlyDailyMinor: 6000, hourlyMinor: 1500 } },
  seasons: [{ name: 'Holidays', from: '2027-12-20', to: '2028-01-02', fixedDailyMinor: 12_000 }],
  weekend: { days: ['friday', 'saturday'], multiplierBp: 11_500 },
  charges: [
    { name: 'FACILITY', label: 'Customer facility charge', kind: 'fee', fixedMinor: 1000, per: 'day' },
    { name: 'SALES', label: 'Sales tax', kind: 'tax', percentBp: 887.5, appliesTo: ['rate', 'fees'] },
  ],
  oneWay: [{ to: 'LAX', dropFeeMinor: 9900 }],
  drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25, dailyMinor: 2500, capMinor: 20_000 } },
  ...more,
});
const seat: Extra = { code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', capMinor: 5000, maxQuantity: 2, stock: 3 };
const spec: CarSpec = { make: 'Toyota', model: 'RAV4', year: 2024, type: 'SUV', location: 'SFO', pricePerDayMinor: 7900 };
const rawItem = async (key: Record<string, string>) =>
  (await db.send(new GetCommand({ TableName: aws.names.cars, Key: key, ConsistentRead: true }))).Item;

beforeAll(async () => {
  aws = await testTables();
  ({ db } = aws);
  rules = new DynamoPricingRules(db, aws.names.cars);
  cars = new DynamoCarRepository(db, aws.names.cars);
  fleet = {
    cars,
    cache: noCache as unknown as FleetDeps['cache'],
    clock: systemClock,
    newId: randomUUID,
    reservations: { upcoming: async () => [] },
  };
  deps = { pricing: rules, clock: systemClock, cache: noCache };
}, 60_000);

afterAll(async () => {
  await aws?.drop();
});

describe('a location’s pricing item', () => {
  it('is absent until written, then holds the rules exactly as set (decimals of basis points, partial records)', async () => {
    expect(await rules.location('SFO')).toEqual({});
    const written = await rules.putLocationRules('SFO', sfo(), { at: at() });
    expect(written).toEqual({ written: true, stored: { currency: 'USD', rules: { value: sfo(), version: 1 } } });
    expect(await rules.location('SFO')).toEqual({ currency: 'USD', rules: { value: sfo(), version: 1 } });
    const item = await rawItem({ pk: 'PRICING#SFO', sk: 'PRICING' });
    expect(item).toMatchObject({ currency: 'USD', rulesVersion: 1, rulesUpdatedAt: expect.any(String) });
    expect(item!.rules).not.toHaveProperty('currency'); // one currency for the item
  });

  it('writes over the version named, 0 meaning never written; another version is refused and nothing changes', async () => {
    expect(await rules.putLocationRules('DEN', sfo(), { at: at(), expectedVersion: 0 })).toMatchObject({ written: true });
    expect(await rules.putLocationRules('DEN', sfo({ seasons: [] }), { at: at(), expectedVersion: 0 })).toEqual({
      written: false,
      reason: 'version',
    });
    expect(await rules.putLocationRules('DEN', sfo({ seasons: [] }), { at: at(), expectedVersion: 2 })).toEqual({
      written: false,
      reason: 'version',
    });
    expect((await rules.location('DEN')).rules).toEqual({ value: sfo(), version: 1 });
    const next = await rules.putLocationRules('DEN', sfo({ seasons: [], weekend: undefined }), { at: at(), expectedVersion: 1 });
    expect(next).toEqual({
      written: true,
      stored: { currency: 'USD', rules: { value: sfo({ seasons: [], weekend: undefined }), version: 2 } },
    });
  });

  it('keeps the extras beside the rules, each part with its own version, in one currency', async () => {
    // Extras first: they fix the currency (the location's default) on the item.
    expect(await rules.putLocationExtras('SEA', 'USD', [seat], { at: at(), expectedVersion: 0 })).toEqual({
      written: true,
      stored: { currency: 'USD', extras: { value: [seat], version: 1 } },
    });
    await rules.putLocationRules('SEA', sfo(), { at: at(), expectedVersion: 0 });
    expect(await rules.location('SEA')).toEqual({
      currency: 'USD',
      rules: { value: sfo(), version: 1 },
      extras: { value: [seat], version: 1 },
    });
    // Another currency: the rules are refused while the extras are in USD, the extras in any but the item's.
    const euros = sfo({ currency: 'EUR', rates: {} });
    expect(await rules.putLocationRules('SEA', euros, { at: at() })).toEqual({ written: false, reason: 'currency' });
    expect(await rules.putLocationExtras('SEA', 'EUR', [seat], { at: at() })).toEqual({ written: false, reason: 'currency' });
    expect(await rules.putLocationExtras('SEA', 'USD', [seat], { at: at(), expectedVersion: 7 })).toEqual({
      written: false,
      reason: 'version',
    });
    // Cleared, the currency can change; then extras follow it.
    await rules.putLocationExtras('SEA', 'USD', [], { at: at(), expectedVersion: 1 });
    expect(await rules.putLocationRules('SEA', euros, { at: at(), expectedVersion: 1 })).toMatchObject({
      written: true,
      stored: { currency: 'EUR', rules: { version: 2 }, extras: { value: [], version: 2 } },
    });
    expect(await rules.putLocationExtras('SEA', 'EUR', [seat], { at: at(), expectedVersion: 2 })).toMatchObject({ written: true });
  });

  it('serves the use cases: defaults, then the rules and extras as set', async () => {
    expect((await locationPricing(deps, 'MIA')).version).toBe(0);
    await setLocationPricing(deps, 'MIA', sfo());
    const set = await setLocationExtras(deps, 'MIA', { currency: 'USD', extras: [seat] }, 0);
    expect(set).toMatchObject({ version: 1, extrasVersion: 1, rules: { location: 'MIA', extras: [seat], charges: sfo().charges } });
    expect(set.oneWay).toEqual([{ from: 'MIA', to: 'LAX', dropFeeMinor: 9900 }]);
  });
});

describe('a car’s rate card', () => {
  const card = { currency: 'USD', dailyMinor: 8200, weeklyDailyMinor: 7400, monthlyDailyMinor: 6600 };

  it('is a short attribute of the car item, read with the car (search pages too), kept by updates and bookings', async () => {
    const carId = await createCar(fleet, spec);
    expect(await rules.car(carId)).toEqual({ carId, type: 'SUV', location: 'SFO', pricePerDayMinor: 7900, ratesVersion: 0 });
    expect(await rules.putCarRates(carId, card, { at: at(), expectedVersion: 0 })).toEqual({
      written: true,
      stored: { carId, type: 'SUV', location: 'SFO', pricePerDayMinor: 7900, rates: card, ratesVersion: 1 },
    });
    const item = (await rawItem({ pk: `CAR#${carId}`, sk: 'CAR' }))!;
    expect(item.rates).toEqual({ c: 'USD', d: 8200, w: 7400, m: 6600 });
    expect(JSON.stringify(item.rates).length).toBeLessThan(50);
    expect((await cars.get(carId))?.rates).toEqual(card);
    const page = await cars.searchPage({ partition: item.gsi1pk as string, from: 'SUV#', to: 'SUV#~', descending: false, limit: 100 });
    expect(page.cars.find((c) => c.carId === carId)?.rates).toEqual(card);

    // A booking's clause and a change of the car's details leave the card as it is.
    const block = {
      id: randomUUID(),
      kind: 'maintenance' as const,
      reason: 'tyres',
      from: '2030-01-01',
      to: '2030-01-03',
      ...dayInterval({ startDate: '2030-01-01', endDate: '2030-01-03' }),
    };
    await db.send(new TransactWriteCommand({ TransactItems: [cars.blockClause(carId, { set: block, now: new Date() })] }));
    await updateCar(fleet, carId, { ...spec, model: 'RAV4 Hybrid' });
    expect(await rules.car(carId)).toMatchObject({ rates: card, ratesVersion: 1 });
    expect(await rules.putCarRates(carId, card, { at: at(), expectedVersion: 0 })).toEqual({ written: false, reason: 'version' });
  });

  it('is refused for a removed or unknown car, and never brings one back', async () => {
    const carId = await createCar(fleet, spec);
    await removeCar(fleet, carId);
    expect(await rules.car(carId)).toBeUndefined();
    expect(await rules.putCarRates(carId, card, { at: at() })).toEqual({ written: false, reason: 'gone' });
    expect(await rawItem({ pk: `CAR#${carId}`, sk: 'CAR' })).toMatchObject({ status: 'removed' });
    expect((await rawItem({ pk: `CAR#${carId}`, sk: 'CAR' }))!.rates).toBeUndefined();
    const unknown = randomUUID();
    expect(await rules.putCarRates(unknown, card, { at: at() })).toEqual({ written: false, reason: 'gone' });
    expect(await rawItem({ pk: `CAR#${unknown}`, sk: 'CAR' })).toBeUndefined();
  });

  it('serves the use cases: the car’s own card over its type’s, 404 once removed', async () => {
    await setLocationPricing(deps, 'SFO', sfo(), 1);
    const carId = await createCar(fleet, spec);
    expect(await carRates(deps, carId)).toMatchObject({ rates: sfo().rates.SUV, source: 'carType' });
    expect(await setCarRates(deps, carId, card)).toMatchObject({ rates: card, source: 'car', car: { ratesVersion: 1 } });
    await removeCar(fleet, carId);
    await expect(setCarRates(deps, carId, card)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
