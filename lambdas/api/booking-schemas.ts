import * as z from '../shared/zod';
import { bookingLimits, bookingPeriodProblems, DEFAULT_BOOKING_LIMITS } from '../domain/bookings/limits';
import { MAX_WAIT_SECONDS } from '../domain/bookings/policy';
import {
  PAYMENT_OPTIONS,
  REJECTION_REASONS,
  RESERVATION_STATUSES,
  type RejectionReason,
  type ReservationStatus,
} from '../domain/bookings/reservation';
import { MAX_PHOTOS_PER_HANDOVER } from '../domain/counter/photos';
import { MAX_RENTAL_DAYS } from '../domain/fleet/catalog';
import { clock } from '../shared/clock';
import {
  count,
  Cursor,
  freeText,
  idempotencyKey,
  Limit,
  list,
  LocalDateTime,
  OffsetDateTime,
  NextCursor,
  PAGE_MAX,
  patterned,
  ResourceId,
  Sentence,
  text,
  Timestamp,
  UserId,
} from './fields';
import { CarType, IsoDate, LocationCode } from './fleet-schemas';
import type { ApiVersion } from './route';

/** Request and response schemas of the booking routes. */

const Id = z.uuid();

/** A booking's period checks (past, reversed, too long, beyond the horizon), reported on those fields. */
const checkBookingPeriod = () =>
  z.superRefine((value: { startDate: string; endDate: string }, ctx) => {
    // A field already refused (a day that does not exist) is named once.
    const refused = new Set(ctx.issues.map((issue) => issue.path?.[0]));
    for (const problem of bookingPeriodProblems(value, clock.now(), bookingLimits()))
      if (!refused.has(problem.field)) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

export const BookingBody = z
  .strictObject({
    carId: Id,
    startDate: IsoDate.check(
      z.meta({
        description: `Pick-up day (YYYY-MM-DD, UTC), today or later, at most ${DEFAULT_BOOKING_LIMITS.horizonDays} days ahead (by default).`,
      }),
    ),
    endDate: IsoDate.check(
      z.meta({
        description: `Return day (YYYY-MM-DD): the car is rented up to, not including, this day. At most ${MAX_RENTAL_DAYS} days.`,
      }),
    ),
    userId: z
      .optional(z.string().check(z.maxLength(64)))
      .check(z.meta({ description: 'Optional; when given it must be your own user id.' })),
  })
  .check(checkBookingPeriod(), z.meta({ id: 'BookingRequest' }));

/** v2: a car from a time to a time (checked at the car's location: zone, opening hours, notice, length). */
export const TimedBookingBody = z
  .strictObject({
    carId: z.optional(Id).check(z.meta({ description: 'With `pickupAt` and `returnAt`, unless `quoteId` is given.' })),
    pickupAt: z.optional(LocalDateTime),
    returnAt: z.optional(LocalDateTime),
    quoteId: z.optional(Id).check(
      z.meta({
        description: 'A quote of yours (POST /v2/quotes) to book at its total, with its car, times and extras; instead of the other three.',
      }),
    ),
    paymentOption: z.optional(z.enum(PAYMENT_OPTIONS)).check(
      z.meta({
        description:
          'payNow (the default): the payment confirms it. payAtPickup: the payment authorises the total, captured when the car is picked up; only for pick-ups within 6 days 22 hours (card authorisations lapse after 7), else 422 PAY_AT_PICKUP_TOO_FAR.',
      }),
    ),
    userId: z
      .optional(z.string().check(z.maxLength(64)))
      .check(z.meta({ description: 'Optional; when given it must be your own user id.' })),
  })
  .check(z.meta({ id: 'TimedBookingRequest' }));

export const BookingHeaders = z.object({
  'idempotency-key': z
    .optional(idempotencyKey())
    .check(
      z.meta({ description: 'Repeat a request with the same key (within 24 hours) to get the same reservation back, never a second one.' }),
    ),
  prefer: z.optional(z.string().check(z.maxLength(200))).check(
    z.meta({
      description: `RFC 7240. \`wait=N\` (N up to ${MAX_WAIT_SECONDS}) answers with the decision when it comes within N seconds.`,
    }),
  ),
});

/** The seconds of `wait=N` in a Prefer header, capped, or 0. */
export const preferredWait = (prefer: string | undefined): number => {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d{1,6})"?/i.exec(prefer ?? '');
  return match ? Math.min(MAX_WAIT_SECONDS, Number(match[1])) : 0;
};

export const ReservationIdParams = z.object({ reservationId: Id });
export const UserReservationsParams = z.object({ userId: UserId });

export const UserReservationsQueryV2 = z.object({
  status: z.optional(z.enum(RESERVATION_STATUSES)),
  limit: Limit,
  cursor: Cursor,
});

export const CarReservationsQuery = z.object({
  when: z._default(z.enum(['upcoming', 'past']), 'upcoming').check(
    z.meta({
      description: 'Not yet returned and holding the car, or requested (soonest first); or returned (latest first, whatever their status).',
    }),
  ),
  limit: Limit,
  cursor: Cursor,
});

/**
 * The statuses v1 answers, written out: v1 is frozen, so the counter's (Active, NoShow; v2 only) must not
 * grow its enum. The v1 presenter shows an Active rental as Confirmed and a no-show as Cancelled.
 */
export const V1_RESERVATION_STATUSES = [
  'Requested',
  'Pending',
  'Confirmed',
  'Completed',
  'Rejected',
  'Expired',
  'Cancelled',
] as const satisfies readonly ReservationStatus[];

/**
 * The rejection codes v1 answers, written out rather than read from REJECTION_REASONS: v1 is frozen, so a
 * reason added later (v2 only) must not grow its enum. The v1 presenter shows a newer reason under one of these.
 */
export const V1_REJECTION_REASONS = [
  'CAR_TAKEN',
  'CAR_BLOCKED',
  'CAR_UNAVAILABLE',
  'NOT_DECIDED',
] as const satisfies readonly RejectionReason[];

const feedbackField = (version: ApiVersion) =>
  z
    .object({
      state: z.enum(['given', 'open', 'notYet', 'never']),
      feedbackId: z.optional(ResourceId),
    })
    .check(
      z.meta({
        description: `Feedback on this rental: given (with its id), open (POST /${version}/feedback now), notYet (once the rental is over), or never (rejected, cancelled or expired).`,
      }),
    );

/** v1's reservation fields; v2's view is these with its own price and reasons, plus what v2 bookings carry. */
const reservationFields = {
  reservationId: ResourceId,
  userId: UserId,
  carId: ResourceId,
  car: z.object({ make: text(60), model: text(60), year: count(9999), type: CarType, location: LocationCode }),
  startDate: IsoDate,
  endDate: IsoDate,
  pickupAt: z
    .optional(OffsetDateTime)
    .check(z.meta({ description: 'A booking made with times (v2): pick-up, with the location’s offset.' })),
  returnAt: z
    .optional(OffsetDateTime)
    .check(z.meta({ description: 'A booking made with times (v2): return, with the location’s offset.' })),
  status: z.enum(V1_RESERVATION_STATUSES),
  totalPrice: z.number().check(z.meta({ description: 'What the stay costs, as quoted when booked.' })),
  price: z.object({ currency: z.literal('USD'), dailyRate: z.number(), days: count(MAX_RENTAL_DAYS), total: z.number() }),
  holdExpiresAt: z.optional(Timestamp).check(z.meta({ description: 'Pending only: pay before this, or the hold lapses.' })),
  reason: z.optional(z.object({ code: z.enum(V1_REJECTION_REASONS), message: Sentence })),
  refund: z.optional(z.object({ percent: count(100), amount: z.number() })),
  feedback: feedbackField('v1'),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const ReservationView = z.object(reservationFields).check(z.meta({ id: 'Reservation' }));

export const ReservationList = z
  .object({
    reservations: list(ReservationView, PAGE_MAX),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'ReservationList' }));

/** A line of a price (v2): decimals in the reservation's currency; a price's lines sum exactly to its total. */
export const PriceLineView = z
  .object({
    code: text(100).check(
      z.meta({ description: 'BASE, DISCOUNT, SEASON, WEEKEND, ONE_WAY, EXTRA:<code>, YOUNG_DRIVER, FEE:<name>, TAX:<name>.' }),
    ),
    label: text(200),
    quantity: count().check(z.meta({ description: 'Billed days, hours or items, or 1.' })),
    unitAmount: z.number().check(z.meta({ description: 'Per unit of the quantity; negative for a discount.' })),
    amount: z.number().check(z.meta({ description: 'unitAmount x quantity.' })),
  })
  .check(z.meta({ id: 'PriceLine' }));

/** Price lines on one price: far more than any rental has (base, season, extras, fees, taxes). */
const MAX_PRICE_LINES = 100;

/** A rental's counter terms, fixed when it was booked (amounts in the reservation's currency). */
const RentalTermsView = z
  .object({
    noShowAfterMinutes: count(),
    noShowFee: z.number(),
    lateGraceMinutes: count(),
    lateHourlyRate: z.number(),
    lateDailyRate: z.number(),
    fuelPerEighth: z.number(),
    kmPerDay: z.optional(count()).check(z.meta({ description: 'Kilometres included per rental day; absent: unlimited.' })),
    perKm: z.optional(z.number()),
    deposit: z.number().check(z.meta({ description: 'Authorised on a card at pick-up, released at the return.' })),
  })
  .check(z.meta({ id: 'RentalTerms' }));

/** A hand-over's photos: their keys in the car-media bucket (private: rental photos are not on the photo CDN). */
const RentalPhotoKeysView = list(text(200), MAX_PHOTOS_PER_HANDOVER).check(
  z.meta({ description: 'Object keys of the photos in the car-media bucket (not public: the branch reads them there).' }),
);

const HandoverView = z
  .object({
    by: UserId,
    at: Timestamp,
    location: LocationCode,
    odometerKm: count(),
    fuelLevel: count(8).check(z.meta({ description: 'Eighths of a tank.' })),
    notes: z.optional(text(1000)),
    photos: z.optional(RentalPhotoKeysView),
  })
  .check(z.meta({ id: 'Handover' }));

const ReturnView = z
  .object({
    ...HandoverView.shape,
    damages: z.optional(list(z.object({ description: text(1000), photos: z.optional(RentalPhotoKeysView) }), 20)),
  })
  .check(z.meta({ id: 'Return' }));

const SettlementView = z
  .object({
    paid: z.number().check(z.meta({ description: 'The rental’s price as paid (or captured at pick-up).' })),
    charges: z.number().check(z.meta({ description: 'The return’s charges.' })),
    chargedNow: z.number().check(z.meta({ description: 'Taken from the deposit.' })),
    released: z.number().check(z.meta({ description: 'Of the deposit, released.' })),
    outstanding: z.number().check(z.meta({ description: 'Charges above the deposit, still owed.' })),
  })
  .check(z.meta({ id: 'Settlement' }));

/** v2's reservation: v1's, with amounts in the location's currency, every rejection reason, and the quote's details. */
export const ReservationViewV2 = z
  .object({
    ...reservationFields,
    totalPrice: z.number().check(z.meta({ description: 'What the stay costs, as quoted when booked, in `price.currency`.' })),
    price: z.object({
      currency: patterned(3, /^[A-Z]{3}$/, 'An ISO 4217 currency code.').check(z.meta({ description: 'ISO 4217, such as USD.' })),
      dailyRate: z.number(),
      days: count(MAX_RENTAL_DAYS),
      total: z.number(),
    }),
    reason: z.optional(z.object({ code: z.enum(Object.keys(REJECTION_REASONS) as [RejectionReason]), message: Sentence })),
    feedback: feedbackField('v2'),
    quoteId: z.optional(ResourceId).check(z.meta({ description: 'The quote this was booked from (POST /v2/quotes).' })),
    lines: z
      .optional(list(PriceLineView, MAX_PRICE_LINES))
      .check(z.meta({ description: 'Booked from a quote: its lines as sold; they sum exactly to `totalPrice`.' })),
    extras: z
      .optional(
        list(
          z.object({
            code: text(40),
            quantity: count(),
            stocked: z.boolean().check(z.meta({ description: 'Each item is taken from the location’s stock for the rental.' })),
          }),
          MAX_PRICE_LINES,
        ),
      )
      .check(z.meta({ description: 'The extras booked (child seats, GPS...).' })),
    returnLocation: z.optional(LocationCode).check(z.meta({ description: 'A one-way rental: where the car is returned.' })),
    status: z
      .enum(RESERVATION_STATUSES)
      .check(z.meta({ description: 'v1’s, plus Active (picked up at the counter) and NoShow (not picked up by the deadline).' })),
    paymentOption: z.optional(z.enum(PAYMENT_OPTIONS)),
    terms: z.optional(RentalTermsView),
    pickup: z.optional(HandoverView).check(z.meta({ description: 'The hand-over at the counter (Active from then on).' })),
    return: z.optional(ReturnView).check(z.meta({ description: 'The return at the counter (Completed).' })),
    charges: z
      .optional(list(PriceLineView, MAX_PRICE_LINES))
      .check(z.meta({ description: 'The return’s charges (LATE_RETURN, FUEL, MILEAGE): quote-style lines.' })),
    settlement: z.optional(SettlementView),
  })
  .check(z.meta({ id: 'ReservationV2' }));

export const ReservationListV2 = z
  .object({
    reservations: list(ReservationViewV2, PAGE_MAX),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'ReservationListV2' }));

export const BlockBody = z
  .strictObject({
    startDate: IsoDate,
    endDate: IsoDate.check(z.meta({ description: 'The day the car is back in service (exclusive).' })),
    reason: freeText(200),
  })
  .check(z.meta({ id: 'MaintenanceBlockRequest' }));

export const BlockParams = z.object({ carId: Id, blockId: Id });

export const BlockView = z
  .object({ blockId: ResourceId, carId: ResourceId, startDate: IsoDate, endDate: IsoDate, reason: text(200) })
  .check(z.meta({ id: 'MaintenanceBlock' }));

/** v1's history filter: v1's statuses (Confirmed takes in the rentals under way, Cancelled the no-shows, as its view shows them). */
export const UserReservationsQuery = z.object({
  status: z.optional(z.enum(V1_RESERVATION_STATUSES)),
  limit: Limit,
  cursor: Cursor,
});
