import * as z from '../shared/zod';
import { bookingLimits, bookingPeriodProblems, DEFAULT_BOOKING_LIMITS } from '../domain/bookings/limits';
import { MAX_WAIT_SECONDS } from '../domain/bookings/policy';
import { REJECTION_REASONS, RESERVATION_STATUSES } from '../domain/bookings/reservation';
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
  ResourceId,
  Sentence,
  text,
  Timestamp,
  UserId,
} from './fields';
import { CarType, IsoDate, LocationCode } from './fleet-schemas';

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

export const UserReservationsQuery = z.object({
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

export const ReservationView = z
  .object({
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
    status: z.enum(RESERVATION_STATUSES),
    totalPrice: z.number().check(z.meta({ description: 'What the stay costs, as quoted when booked.' })),
    price: z.object({ currency: z.literal('USD'), dailyRate: z.number(), days: count(MAX_RENTAL_DAYS), total: z.number() }),
    holdExpiresAt: z.optional(Timestamp).check(z.meta({ description: 'Pending only: pay before this, or the hold lapses.' })),
    reason: z.optional(z.object({ code: z.enum(Object.keys(REJECTION_REASONS) as [keyof typeof REJECTION_REASONS]), message: Sentence })),
    refund: z.optional(z.object({ percent: count(100), amount: z.number() })),
    feedback: z
      .object({
        state: z.enum(['given', 'open', 'notYet', 'never']),
        feedbackId: z.optional(ResourceId),
      })
      .check(
        z.meta({
          description:
            'Feedback on this rental: given (with its id), open (POST /v1/feedback now), notYet (once the rental is over), or never (rejected, cancelled or expired).',
        }),
      ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'Reservation' }));

export const ReservationList = z
  .object({
    reservations: list(ReservationView, PAGE_MAX),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'ReservationList' }));

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
