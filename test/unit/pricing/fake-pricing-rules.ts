import type { LocationCode } from '../../../lambdas/domain/fleet/catalog';
import type {
  Extra,
  LocationRules,
  PricingRules,
  RateCard,
  RatedCar,
  RulesWrite,
  StoredLocationPricing,
  WriteOptions,
} from '../../../lambdas/domain/pricing';

/**
 * The pricing port in memory, with the conditions the DynamoDB adapter writes under: a version that must
 * be the expected one, one currency per location (rules change it only without extras in another), and
 * no rates for a car that is not active. Copies in and out, as a store would.
 */
export class FakePricingRules implements PricingRules {
  readonly locations = new Map<LocationCode, StoredLocationPricing>();
  readonly cars = new Map<string, RatedCar & { active: boolean }>();
  writes = 0;

  addCar(car: Omit<RatedCar, 'ratesVersion'> & { ratesVersion?: number; active?: boolean }): void {
    this.cars.set(car.carId, { ratesVersion: 0, active: true, ...car });
  }

  async location(code: LocationCode): Promise<StoredLocationPricing> {
    return structuredClone(this.locations.get(code) ?? {});
  }

  private moved(version: number | undefined, expected: number | undefined) {
    return expected !== undefined && (version ?? 0) !== expected;
  }

  async putLocationRules(code: LocationCode, rules: LocationRules, options: WriteOptions): Promise<RulesWrite<StoredLocationPricing>> {
    const now = this.locations.get(code) ?? {};
    if (this.moved(now.rules?.version, options.expectedVersion)) return { written: false, reason: 'version' };
    if (now.currency && now.currency !== rules.currency && now.extras?.value.length) return { written: false, reason: 'currency' };
    const next = { ...now, currency: rules.currency, rules: { value: structuredClone(rules), version: (now.rules?.version ?? 0) + 1 } };
    this.locations.set(code, next);
    this.writes++;
    return { written: true, stored: structuredClone(next) };
  }

  async putLocationExtras(
    code: LocationCode,
    currency: string,
    extras: readonly Extra[],
    options: WriteOptions,
  ): Promise<RulesWrite<StoredLocationPricing>> {
    const now = this.locations.get(code) ?? {};
    if (this.moved(now.extras?.version, options.expectedVersion)) return { written: false, reason: 'version' };
    if (now.currency && now.currency !== currency) return { written: false, reason: 'currency' };
    const next = {
      ...now,
      currency: now.currency ?? currency,
      extras: { value: structuredClone([...extras]), version: (now.extras?.version ?? 0) + 1 },
    };
    this.locations.set(code, next);
    this.writes++;
    return { written: true, stored: structuredClone(next) };
  }

  async car(carId: string): Promise<RatedCar | undefined> {
    const car = this.cars.get(carId);
    if (!car?.active) return undefined;
    const { active: _active, ...rated } = car;
    return structuredClone(rated);
  }

  async putCarRates(carId: string, rates: RateCard, options: WriteOptions): Promise<RulesWrite<RatedCar>> {
    const car = this.cars.get(carId);
    if (!car?.active) return { written: false, reason: 'gone' };
    if (this.moved(car.ratesVersion, options.expectedVersion)) return { written: false, reason: 'version' };
    car.rates = structuredClone(rates);
    car.ratesVersion++;
    this.writes++;
    return { written: true, stored: (await this.car(carId))! };
  }
}
