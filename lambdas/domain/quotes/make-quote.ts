import { termsFor } from '../counter/terms';
import type { Clock } from '../../shared/clock';
import { notFound, unprocessable, validationError, type FieldIssue } from '../../shared/errors';
import { ageAt } from '../accounts/age';
import type { ProfileStore } from '../accounts/ports';
import type { LocationCode } from '../fleet/catalog';
import { locationPricing, priceRental, rateCardFor, type ExtraChoice, type PricingIssue, type PricingRules } from '../pricing';
import { resolveRentalTimes, type RentalLimits } from '../rental-time';
import { QUOTE_VALID_MS, type PricedRental, type QuoteStore, type StoredQuote } from './quote';

/**
 * Quotes (POST /v2/quotes, GET /v2/quotes/{quoteId}): a rental priced line by line, stored so the
 * client cannot alter it and booking can charge exactly what was shown while it is valid.
 *
 * Who the driver is: a signed-in customer's age is their profile's `dateOfBirth` at pick-up, on the
 * location's calendar (none in the profile: no age check and no young-driver fee; booking checks the
 * profile anyway). Only an anonymous caller may say `driverAge`: a signed-in caller sending it is a 400,
 * rather than being silently ignored, because a quote priced for another age than the one booking will
 * check would show a price the customer cannot book.
 *
 * A quote does not check that the car is free: booking decides that (a taken car is Rejected).
 */
export interface QuoteDeps {
  pricing: PricingRules;
  quotes: QuoteStore;
  profiles: Pick<ProfileStore, 'get'>;
  clock: Clock;
  newId: () => string;
  /** The booking limits a rental's times are checked with (the same as booking's). */
  limits: () => Pick<RentalLimits, 'maxDays' | 'horizonDays'>;
}

export interface QuoteRequest {
  carId: string;
  pickupAt: string;
  returnAt: string;
  returnLocation?: LocationCode;
  extras?: ExtraChoice[];
  driverAge?: number;
}

/** The caller: a signed-in customer (or admin), or nobody. */
export type QuoteCaller = { userId: string } | undefined;

/** Engine rules that are input errors (400): what the request names does not exist or is out of bounds. */
const INPUT_RULES = new Set<PricingIssue['rule']>(['EXTRA_UNKNOWN', 'EXTRA_DUPLICATE', 'EXTRA_QUANTITY']);

const asBodyFields = (issues: readonly PricingIssue[], driverField: string): FieldIssue[] =>
  issues.map(({ field, message, rule }) => ({ field: field === 'driverAge' ? driverField : `body.${field}`, message, rule }));

/** The driver's age for the quote: the caller's, from their profile when signed in, else `driverAge` if given. */
const driverAgeOf = async (
  deps: Pick<QuoteDeps, 'profiles'>,
  caller: QuoteCaller,
  request: QuoteRequest,
  pickupMs: number,
  timeZone: string,
) => {
  if (!caller) return request.driverAge;
  if (request.driverAge !== undefined) {
    throw validationError([
      {
        field: 'body.driverAge',
        message: 'Signed in, your age comes from your profile’s date of birth: leave out driverAge (or update your profile).',
      },
    ]);
  }
  const profile = await deps.profiles.get(caller.userId);
  return profile?.dateOfBirth ? ageAt(profile.dateOfBirth, pickupMs, timeZone) : undefined;
};

/**
 * A rental priced line by line for this caller, as a quote shows it (not stored: `makeQuote` stores it,
 * booking by times keeps its lines on the reservation). 404 for a car that is not active; 400 for times
 * booking would refuse (the same rules: notice, horizon, length, opening hours) and for extras the location
 * does not offer or quantities out of bounds; 422 coded by the rule for a one-way return not allowed from
 * here (ONE_WAY_NOT_ALLOWED) or a driver under the car type's minimum age (DRIVER_UNDER_MINIMUM_AGE).
 */
export const priceFor = async (
  deps: Omit<QuoteDeps, 'quotes' | 'newId'>,
  caller: QuoteCaller,
  request: QuoteRequest,
  /** A booked rental changed for its return only (bookings/change.ts): its pick-up is not judged again. */
  options: { pickupKept?: boolean } = {},
): Promise<PricedRental> => {
  const car = await deps.pricing.car(request.carId);
  if (!car) throw notFound(`Car ${request.carId}`);
  const now = deps.clock.now();
  const resolved = resolveRentalTimes(request, car.location, now.getTime(), deps.limits(), options);
  if (!resolved.ok) throw validationError(resolved.problems.map((p) => ({ field: `body.${p.field}`, message: p.message, rule: p.rule })));
  const { times } = resolved;
  const { timeZone, gracePeriodMinutes } = times.profile;
  const [pricing, driverAge] = await Promise.all([
    locationPricing(deps, car.location),
    driverAgeOf(deps, caller, request, times.pickupMs, timeZone),
  ]);
  const extras = request.extras ?? [];
  const returnLocation = request.returnLocation === car.location ? undefined : request.returnLocation;
  const priced = priceRental({
    period: { pickupMs: times.pickupMs, returnMs: times.returnMs, timeZone, gracePeriodMinutes },
    carType: car.type,
    rates: rateCardFor(car, pricing),
    rules: pricing.rules,
    oneWay: pricing.oneWay,
    extras,
    driverAge,
    returnLocation,
  });
  if (!priced.ok) {
    // The driver's age came from the profile when signed in: that is the field to look at.
    const fields = asBodyFields(priced.issues, caller ? 'dateOfBirth' : 'body.driverAge');
    const inputErrors = fields.filter((issue) => INPUT_RULES.has(issue.rule as PricingIssue['rule']));
    if (inputErrors.length) throw validationError(inputErrors);
    throw unprocessable(fields, priced.issues.map((issue) => issue.message).join(' '));
  }
  const offered = new Map(pricing.rules.extras.map((extra) => [extra.code, extra]));
  return {
    ...priced.quote,
    ...(caller ? { userId: caller.userId } : {}),
    carId: car.carId,
    location: car.location,
    ...(returnLocation ? { returnLocation } : {}),
    pickupAt: times.pickupAt,
    returnAt: times.returnAt,
    extras: extras.map(({ code, quantity }) => ({ code, quantity, stocked: offered.get(code)?.stock !== undefined })),
    terms: termsFor(pricing.counter, car.type, rateCardFor(car, pricing), priced.quote.totalMinor, pricing.rules.charges),
    ...(driverAge !== undefined ? { driverAge } : {}),
    createdAt: now.toISOString(),
  };
};

/** Prices and stores a quote (POST /v2/quotes): valid for QUOTE_VALID_MS at its price. Errors as `priceFor`'s. */
export const makeQuote = async (deps: QuoteDeps, caller: QuoteCaller, request: QuoteRequest): Promise<StoredQuote> => {
  const priced = await priceFor(deps, caller, request);
  return storeQuote(deps, {
    ...priced,
    quoteId: deps.newId(),
    expiresAt: new Date(Date.parse(priced.createdAt) + QUOTE_VALID_MS).toISOString(),
  });
};

const storeQuote = async (deps: QuoteDeps, quote: StoredQuote): Promise<StoredQuote> => {
  await deps.quotes.put(quote);
  return quote;
};

/**
 * A quote, for its customer or, when it was made anonymously, for anyone who has its id (an unguessable
 * UUID, as a shared link). Someone else's quote is a 404, not a 403: its existence is not told. An
 * expired quote is still shown (with its `expiresAt`) until the table's TTL removes it.
 */
export const getQuote = async (deps: Pick<QuoteDeps, 'quotes'>, caller: QuoteCaller, quoteId: string): Promise<StoredQuote> => {
  const quote = await deps.quotes.get(quoteId);
  if (!quote || (quote.userId !== undefined && quote.userId !== caller?.userId)) throw notFound(`Quote ${quoteId}`);
  return quote;
};
