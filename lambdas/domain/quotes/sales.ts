import { ageAt, driverProblems, type DriverProblem } from '../accounts/eligibility';
import type { DriverDetails } from '../accounts/model';
import type { CarType, LocationCode } from '../fleet/catalog';
import { isYoungDriver, locationPricing, minimumAgeFor } from '../pricing';
import { makeQuote, priceFor, type QuoteDeps, type QuoteRequest } from './make-quote';
import type { PricedRental, StoredQuote } from './quote';

/** A rental as booking has resolved it: enough to judge its driver. */
export interface RentalToDrive {
  carType: CarType;
  location: LocationCode;
  pickupMs: number;
  returnMs: number;
  /** The pick-up location's zone: birthdays and a licence's last day are its calendar days. */
  timeZone: string;
}

/**
 * What v2 booking asks of pricing and quotes: it sells a rental at a quote's price, whether the client
 * booked a quote or named the car and times (then it is priced now, exactly as a quote would be, and the
 * reservation keeps its lines), and only to a driver the location's rules allow.
 */
export interface RentalSales {
  /**
   * The rental priced now for this customer (not stored: the reservation keeps it). Errors as a quote's.
   * `pickupKept`: a booked rental re-priced with its pick-up as it was (its pick-up is not judged again).
   */
  price(
    userId: string,
    rental: Pick<QuoteRequest, 'carId' | 'pickupAt' | 'returnAt' | 'returnLocation' | 'extras'>,
    options?: { pickupKept?: boolean },
  ): Promise<PricedRental>;
  /** A fresh quote of a lapsed one's rental, for the customer booking it: the 409 tells its price. */
  requote(lapsed: StoredQuote, userId: string): Promise<StoredQuote>;
  /**
   * The customer as this rental's driver: what keeps them from driving it (their profile against the car
   * type's minimum age and the return), and whether their age makes them pay the young-driver fee.
   */
  driver(userId: string, rental: RentalToDrive): Promise<{ problems: DriverProblem[]; youngDriver: boolean }>;
}

export const rentalSales = (deps: QuoteDeps): RentalSales => ({
  price: (userId, rental, options) => priceFor(deps, { userId }, rental, options),
  requote: (lapsed, userId) =>
    makeQuote(
      deps,
      { userId },
      {
        carId: lapsed.carId,
        pickupAt: lapsed.pickupAt,
        returnAt: lapsed.returnAt,
        ...(lapsed.returnLocation ? { returnLocation: lapsed.returnLocation } : {}),
        ...(lapsed.extras.length ? { extras: lapsed.extras.map(({ code, quantity }) => ({ code, quantity })) } : {}),
      },
    ),
  driver: async (userId, rental) => {
    const [profile, pricing] = await Promise.all([deps.profiles.get(userId), locationPricing(deps, rental.location)]);
    const details: DriverDetails = profile ?? {};
    const problems = driverProblems(details, {
      minAge: minimumAgeFor(rental.carType, pricing.rules),
      pickupAtMs: rental.pickupMs,
      returnAtMs: rental.returnMs,
      timeZone: rental.timeZone,
    });
    const age = details.dateOfBirth ? ageAt(details.dateOfBirth, rental.pickupMs, rental.timeZone) : undefined;
    return { problems, youngDriver: isYoungDriver(age, pricing.rules) };
  },
});
