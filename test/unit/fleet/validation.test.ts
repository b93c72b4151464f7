import { CarBody, SearchQuery } from '../../../lambdas/api/fleet-schemas';
import { CAR_TYPES, LOCATIONS, MAX_RENTAL_DAYS } from '../../../lambdas/domain/fleet/catalog';
import { useClock } from '../../../lambdas/shared/clock';

const valid = { make: 'Toyota', model: 'Corolla', year: 2022, type: 'SEDAN', location: 'LAX', rentalPricePerDay: 49.99 };
const fieldsOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((i) => i.path.join('.'));

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('car input validation', () => {
  it('accepts a valid car and every documented type and location', () => {
    expect(CarBody.safeParse(valid).success).toBe(true);
    for (const type of CAR_TYPES) expect(CarBody.safeParse({ ...valid, type }).success).toBe(true);
    expect(LOCATIONS.length).toBeGreaterThanOrEqual(100);
  });

  it('refuses an unknown type and lists the allowed values', () => {
    const result = CarBody.safeParse({ ...valid, type: 'SPACESHIP' });
    expect(fieldsOf(result)).toEqual(['type']);
    expect(result.error!.issues[0].message).toContain('SEDAN');
    expect(result.error!.issues[0].message).toContain('ELECTRIC');
  });

  it.each([
    ['year before 1990', { year: 1989 }, 'year'],
    ['year after next year', { year: new Date().getUTCFullYear() + 2 }, 'year'],
    ['fractional year', { year: 2020.5 }, 'year'],
    ['zero price', { rentalPricePerDay: 0 }, 'rentalPricePerDay'],
    ['negative price', { rentalPricePerDay: -5 }, 'rentalPricePerDay'],
    ['three decimals', { rentalPricePerDay: 10.999 }, 'rentalPricePerDay'],
    // 1e-9 passed the float check of the decimals and was stored as 0 cents.
    ['price below one cent', { rentalPricePerDay: 1e-9 }, 'rentalPricePerDay'],
    ['price of a tenth of a cent', { rentalPricePerDay: 0.001 }, 'rentalPricePerDay'],
    ['price with ten decimals', { rentalPricePerDay: 1.0000000001 }, 'rentalPricePerDay'],
    ['unknown location', { location: 'XXX' }, 'location'],
    ['empty make', { make: ' ' }, 'make'],
  ])('refuses a %s', (_name, patch, field) => {
    expect([...new Set(fieldsOf(CarBody.safeParse({ ...valid, ...patch })))]).toEqual([field]);
  });

  it('accepts next year and two decimals', () => {
    expect(CarBody.safeParse({ ...valid, year: new Date().getUTCFullYear() + 1, rentalPricePerDay: 0.01 }).success).toBe(true);
    expect(CarBody.safeParse({ ...valid, rentalPricePerDay: 19.99 }).success).toBe(true);
  });

  it('takes next year from the clock at each check, not from when the schema was loaded', () => {
    const inYear = (year: number) => ({ now: () => new Date(`${year}-01-01T00:00:00Z`) });
    try {
      useClock(inYear(2030));
      expect(CarBody.safeParse({ ...valid, year: 2031 }).success).toBe(true);
      expect(fieldsOf(CarBody.safeParse({ ...valid, year: 2032 }))).toEqual(['year']);
      useClock(inYear(2031)); // the same schema object, a year later
      expect(CarBody.safeParse({ ...valid, year: 2032 }).success).toBe(true);
    } finally {
      useClock();
    }
  });

  it('refuses unknown fields', () => {
    const result = CarBody.safeParse({ ...valid, availabilityStatus: true });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toContain('availabilityStatus');
  });
});

describe('search query validation', () => {
  const query = { location: 'SFO', startDate: isoDay(1), endDate: isoDay(4) };

  it('accepts a valid query with defaults', () => {
    const parsed = SearchQuery.parse(query);
    expect(parsed).toMatchObject({ sort: 'price', limit: 20 });
  });

  it.each([
    ['a reversed range', { startDate: isoDay(5), endDate: isoDay(2) }, 'endDate'],
    ['an empty range', { startDate: isoDay(2), endDate: isoDay(2) }, 'endDate'],
    ['a start in the past', { startDate: isoDay(-1), endDate: isoDay(2) }, 'startDate'],
    [`a period over ${MAX_RENTAL_DAYS} days`, { startDate: isoDay(1), endDate: isoDay(2 + MAX_RENTAL_DAYS) }, 'endDate'],
    ['a malformed date', { startDate: '2030-13-01' }, 'startDate'],
    ['an unknown type', { type: 'BOAT' }, 'type'],
    ['an unknown location', { location: 'ZZZ' }, 'location'],
    ['a limit above 100', { limit: '101' }, 'limit'],
    ['maxPrice below minPrice', { minPrice: '50', maxPrice: '20' }, 'maxPrice'],
  ])('refuses %s', (_name, patch, field) => {
    expect(fieldsOf(SearchQuery.safeParse({ ...query, ...patch }))).toEqual([field]);
  });

  it(`accepts exactly ${MAX_RENTAL_DAYS} days starting today`, () => {
    expect(SearchQuery.safeParse({ ...query, startDate: isoDay(0), endDate: isoDay(MAX_RENTAL_DAYS) }).success).toBe(true);
  });
});
