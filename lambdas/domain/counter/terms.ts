import * as z from '../../shared/zod';
import { CAR_TYPES, type CarType } from '../fleet/catalog';
import { MinorAmount, type RateCard } from '../fleet/rate-card';
import { applyBasisPoints, BP_PER_WHOLE } from '../money';
import { percentageTaxes } from '../pricing/charges';
import type { Charge } from '../pricing/rules';

/**
 * The counter's rules of a location (issue 20): when a reservation not picked up becomes a no-show and
 * what it keeps, the grace before a return is late, the fuel and mileage charges, and the security
 * deposit. An administrator sets them with the location's pricing (`counter` in PUT
 * /v2/locations/{code}/pricing); a location without them uses `DEFAULT_COUNTER_RULES`. A booking keeps
 * the terms they gave (`RentalTerms`), so a rule changed later never changes a rental already sold.
 */

const Km = z.int().check(z.gte(1), z.lte(100_000));

export const CounterRules = z.strictObject({
  /** A Confirmed reservation not picked up this long after its pick-up time is a no-show. */
  noShowAfterMinutes: z.int().check(z.gte(15), z.lte(24 * 60)),
  /** Share of the rental's total kept for a no-show, in basis points (10 000: all of it). */
  noShowFeeBp: z.int().check(z.gte(0), z.lte(BP_PER_WHOLE)),
  /** A return this long after `returnAt` is not late yet. */
  lateGraceMinutes: z.int().check(z.gte(0), z.lte(240)),
  /** Each eighth of a tank below the pick-up level. */
  fuelPerEighthMinor: MinorAmount,
  /** Kilometres included per rental day, and the price of each one over; unlimited when left out. */
  mileage: z.optional(
    z.strictObject({
      kmPerDay: Km,
      kmPerDayByType: z.optional(z.partialRecord(z.enum(CAR_TYPES), Km)),
      perKmMinor: MinorAmount,
    }),
  ),
  /** The security deposit authorised at pick-up, by car type (`depositMinor` for the types not named). */
  depositMinor: MinorAmount,
  depositByType: z.optional(z.partialRecord(z.enum(CAR_TYPES), MinorAmount)),
});
export type CounterRules = z.output<typeof CounterRules>;

/** The rules of a location that has set none: documented in docs/counter.md. */
export const DEFAULT_COUNTER_RULES: CounterRules = {
  noShowAfterMinutes: 120,
  noShowFeeBp: 2_500,
  lateGraceMinutes: 29,
  fuelPerEighthMinor: 1_500,
  depositMinor: 20_000,
};

/**
 * The counter's terms of one rental, fixed when it is booked: its location's counter rules for its car
 * type, and the rates a late return is charged at (the rental's own rate card: by the hour up to the
 * day's rate, then by the day).
 */
export interface RentalTerms {
  noShowAfterMinutes: number;
  noShowFeeMinor: number;
  lateGraceMinutes: number;
  lateHourlyMinor: number;
  lateDailyMinor: number;
  fuelPerEighthMinor: number;
  /** Kilometres included per rental day; none: unlimited. */
  kmPerDay?: number;
  perKmMinor?: number;
  depositMinor: number;
  /** The location's percentage taxes, charged on the return's lines too (none: booked before they were kept here). */
  taxes?: Charge[];
}

/**
 * A rental's terms. A card without an hourly rate charges a late hour at a quarter of the day's rate,
 * so four late hours cost a day, as most rental companies' terms do. `charges`: the location's fees and
 * taxes, whose percentage taxes the return's charges pay too.
 */
export const termsFor = (
  rules: CounterRules,
  carType: CarType,
  rates: RateCard,
  totalMinor: number,
  charges: readonly Charge[] = [],
): RentalTerms => {
  const taxes = percentageTaxes(charges);
  const kmPerDay = rules.mileage ? (rules.mileage.kmPerDayByType?.[carType] ?? rules.mileage.kmPerDay) : undefined;
  return {
    noShowAfterMinutes: rules.noShowAfterMinutes,
    noShowFeeMinor: applyBasisPoints(totalMinor, rules.noShowFeeBp),
    lateGraceMinutes: rules.lateGraceMinutes,
    lateHourlyMinor: Math.min(rates.hourlyMinor ?? Math.ceil(rates.dailyMinor / 4), rates.dailyMinor),
    lateDailyMinor: rates.dailyMinor,
    fuelPerEighthMinor: rules.fuelPerEighthMinor,
    ...(kmPerDay !== undefined && rules.mileage ? { kmPerDay, perKmMinor: rules.mileage.perKmMinor } : {}),
    depositMinor: rules.depositByType?.[carType] ?? rules.depositMinor,
    ...(taxes.length ? { taxes } : {}),
  };
};

/**
 * A rental's counter terms, the one answer for the counter and the no-show sweep: as booked, or, for a
 * rental booked before the counter came (no terms), the default rules on its own price, with no no-show
 * fee (none was sold with it: a no-show is refunded in full) and no taxes on the return's charges. It
 * takes the reservation's shape, not its type, as the reservation's terms are these (no import loop).
 */
export const rentalTermsOf = (r: {
  terms?: RentalTerms;
  car: { type: string };
  price: { currency: string; dailyMinor: number; totalMinor: number };
}): RentalTerms =>
  r.terms ?? {
    ...termsFor(
      DEFAULT_COUNTER_RULES,
      r.car.type as CarType,
      { currency: r.price.currency, dailyMinor: r.price.dailyMinor },
      r.price.totalMinor,
    ),
    noShowFeeMinor: 0,
  };
