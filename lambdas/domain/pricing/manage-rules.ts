import type { Clock } from '../../shared/clock';
import { conflict, notFound, preconditionFailed, validationError, type FieldIssue } from '../../shared/errors';
import { fieldIssues } from '../../shared/validation';
import type * as z from '../../shared/zod';
import { LOCATIONS, type LocationCode } from '../fleet/catalog';
import type { FleetCache } from '../fleet/ports';
import { ExtrasCatalogue, LocationRules, pricingOf, resolveRateCard, type PricingOfLocation, type RateSource } from './location-rules';
import type { PricingRules, RatedCar, RulesWrite, StoredLocationPricing } from './ports';
import { LocationPricing, OneWayMatrix, RateCard } from './rules';

/**
 * The admin use cases of the pricing rules: read and replace a location's rules, its extras and a car's
 * own rate card. Every write is checked by the engine's schemas first (a 400 naming each bad field), may
 * name the version it replaces (`If-Match`: 412 when another is there), and changes only what new quotes
 * are priced with: a quote keeps the lines it was issued with.
 */
export interface PricingDeps {
  pricing: PricingRules;
  clock: Clock;
}

/** Writes also drop the cached searches and car details that carry what they change (best effort, as the cache always is). */
export type PricingWriteDeps = PricingDeps & { cache: Pick<FleetCache, 'invalidateLocation' | 'invalidateCar'> };

const knownLocation = (code: string): LocationCode => {
  if (!(LOCATIONS as readonly string[]).includes(code)) throw notFound(`Location ${code}`);
  return code as LocationCode;
};

/** Every issue `schema` finds in `value`, as fields under `where` (`body.oneWay.0.to`). */
const issuesOf = (schema: z.ZodMiniType, value: unknown, where: string): FieldIssue[] => {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldIssues(where, result.error);
};

const parsed = <S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(fieldIssues('body', result.error));
  return result.data;
};

const stateOf = (location: LocationCode, stored: StoredLocationPricing): PricingOfLocation =>
  pricingOf(location, {
    rules: stored.rules?.value,
    version: stored.rules?.version,
    extras: stored.extras?.value,
    extrasVersion: stored.extras?.version,
  });

/** The answer to a write its adapter refused. */
const refusal = (reason: Exclude<RulesWrite<unknown>, { written: true }>['reason'], what: string, expectedVersion?: number) => {
  switch (reason) {
    case 'version':
      return preconditionFailed(`${what} is no longer at version ${expectedVersion}: read it again, then retry.`, { expectedVersion });
    case 'gone':
      return notFound(what);
    case 'currency':
      return conflict(
        `${what} would mix currencies: the location's extras are priced in another currency than its rules. Replace the extras ` +
          'with an empty list first, change the currency, then set the extras again.',
        undefined,
        'CURRENCY_MISMATCH',
      );
  }
};

/** A location's pricing: its rules and extras as set, or the defaults (no fees or seasons, USD, a car's own daily price). 404 for an unknown code. */
export const locationPricing = async (deps: Pick<PricingDeps, 'pricing'>, code: string): Promise<PricingOfLocation> => {
  const location = knownLocation(code);
  return stateOf(location, await deps.pricing.location(location));
};

/** Replaces a location's rules (its extras stay): validated whole, then written if `expectedVersion` (when given) is still there. */
export const setLocationPricing = async (
  deps: PricingWriteDeps,
  code: string,
  input: unknown,
  expectedVersion?: number,
): Promise<PricingOfLocation> => {
  const location = knownLocation(code);
  const rules = parsed(LocationRules, input);
  // The engine's own checks of the whole (each charge named once, no two seasons of a kind on the same
  // dates, one-way pairs once and elsewhere), with the location's extras left out: they are not changing.
  const engine = pricingOf(location, { rules });
  const issues = [...issuesOf(LocationPricing, engine.rules, 'body'), ...issuesOf(OneWayMatrix, engine.oneWay, 'body.oneWay')];
  if (issues.length) throw validationError(issues);
  const outcome = await deps.pricing.putLocationRules(location, rules, { expectedVersion, at: deps.clock.now().toISOString() });
  if (!outcome.written) throw refusal(outcome.reason, `The pricing of ${location}`, expectedVersion);
  // Searches show totals from these rules.
  await deps.cache.invalidateLocation(location);
  return stateOf(location, outcome.stored);
};

/** Replaces a location's extras, in its currency (said again in `input.currency`, a 400 when it is not). */
export const setLocationExtras = async (
  deps: PricingDeps,
  code: string,
  input: unknown,
  expectedVersion?: number,
): Promise<PricingOfLocation> => {
  const location = knownLocation(code);
  const catalogue = parsed(ExtrasCatalogue, input);
  const current = await locationPricing(deps, location);
  const { currency } = current.rules;
  if (catalogue.currency !== currency)
    throw validationError([{ field: 'body.currency', message: `Extras at ${location} are priced in its currency, ${currency}.` }]);
  const issues = issuesOf(LocationPricing, { ...current.rules, extras: catalogue.extras }, 'body');
  if (issues.length) throw validationError(issues);
  const outcome = await deps.pricing.putLocationExtras(location, currency, catalogue.extras, {
    expectedVersion,
    at: deps.clock.now().toISOString(),
  });
  if (!outcome.written) throw refusal(outcome.reason, `The extras of ${location}`, expectedVersion);
  return stateOf(location, outcome.stored);
};

/** A car's rates: its own card (and that card's version), and the card that prices it now, with where that comes from. */
export interface CarRates {
  car: RatedCar;
  rates: RateCard;
  source: RateSource;
}

const activeCar = async (deps: Pick<PricingDeps, 'pricing'>, carId: string): Promise<RatedCar> => {
  const car = await deps.pricing.car(carId);
  if (!car) throw notFound(`Car ${carId}`);
  return car;
};

export const carRates = async (deps: Pick<PricingDeps, 'pricing'>, carId: string): Promise<CarRates> => {
  const car = await activeCar(deps, carId);
  return { car, ...resolveRateCard(car, await locationPricing(deps, car.location)) };
};

/** Sets a car's own rate card, in its location's currency; it overrides the location's card for the car's type. */
export const setCarRates = async (deps: PricingWriteDeps, carId: string, input: unknown, expectedVersion?: number): Promise<CarRates> => {
  const rates = parsed(RateCard, input);
  const car = await activeCar(deps, carId);
  const pricing = await locationPricing(deps, car.location);
  const { currency } = pricing.rules;
  if (rates.currency !== currency)
    throw validationError([{ field: 'body.currency', message: `Rates at ${car.location} are in its currency, ${currency}.` }]);
  const outcome = await deps.pricing.putCarRates(carId, rates, { expectedVersion, at: deps.clock.now().toISOString() });
  if (!outcome.written) throw refusal(outcome.reason, `Car ${carId}`, expectedVersion);
  // A car's rates travel with it into search pages and its cached details.
  await Promise.all([deps.cache.invalidateCar(carId), deps.cache.invalidateLocation(car.location)]);
  return { car: outcome.stored, ...resolveRateCard(outcome.stored, pricing) };
};
