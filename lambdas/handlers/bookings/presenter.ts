import type * as z from '../../shared/zod';
import type { CarType } from '../../api/fleet-schemas';
import { V1_REJECTION_REASONS, V1_RESERVATION_STATUSES, type ReservationView, type ReservationViewV2 } from '../../api/booking-schemas';
import {
  REJECTION_REASONS,
  type Handover,
  type RejectionReason,
  type Reservation,
  type ReservationStatus,
} from '../../domain/bookings/reservation';
import type { QuoteLine } from '../../domain/pricing';
import { feedbackStateOf } from '../../domain/feedback/feedback';
import { fromMinorUnits } from '../../domain/fleet/money';
import { toDecimal } from '../../domain/money';
import { clock } from '../../shared/clock';

type V1Reason = (typeof V1_REJECTION_REASONS)[number];
const isV1Reason = (reason: RejectionReason): reason is V1Reason => (V1_REJECTION_REASONS as readonly string[]).includes(reason);

/**
 * v1's code for a reason: itself, or, for a reason v1 does not know (added with v2's features), the
 * nearest one v1 has. The message stays the reason's own, so a v1 client still reads why.
 */
const v1ReasonCode = (reason: RejectionReason): V1Reason => (isV1Reason(reason) ? reason : 'CAR_UNAVAILABLE');

/** v1's status for a v2 counter status it does not know: a rental under way is Confirmed, a no-show Cancelled. */
const v1Status = (status: ReservationStatus): (typeof V1_RESERVATION_STATUSES)[number] =>
  status === 'Active' ? 'Confirmed' : status === 'NoShow' ? 'Cancelled' : status;

/** A reservation as v1 shows it: money as decimal numbers (cents), times as ISO strings. */
export const presentReservation = (r: Reservation): z.output<typeof ReservationView> => ({
  reservationId: r.reservationId,
  userId: r.userId,
  carId: r.carId,
  car: { ...r.car, type: r.car.type as z.output<typeof CarType> },
  startDate: r.startDate,
  endDate: r.endDate,
  ...(r.pickupAt && r.returnAt ? { pickupAt: r.pickupAt, returnAt: r.returnAt } : {}),
  status: v1Status(r.status),
  totalPrice: fromMinorUnits(r.price.totalMinor),
  price: {
    // v1 was specified in USD; a v2 booking at a location priced in another currency shows its own here
    // too (docs/api.md, Currencies): a wrong currency code would misstate the money.
    currency: r.price.currency as 'USD',
    dailyRate: fromMinorUnits(r.price.dailyMinor),
    days: r.price.days,
    total: fromMinorUnits(r.price.totalMinor),
  },
  ...(r.status === 'Pending' && r.holdExpiresAt !== undefined ? { holdExpiresAt: new Date(r.holdExpiresAt).toISOString() } : {}),
  ...(r.reason ? { reason: { code: v1ReasonCode(r.reason), message: REJECTION_REASONS[r.reason] } } : {}),
  ...(r.refund ? { refund: { percent: r.refund.percent, amount: fromMinorUnits(r.refund.amountMinor) } } : {}),
  feedback: { state: feedbackStateOf(r, clock.now()), ...(r.feedbackId ? { feedbackId: r.feedbackId } : {}) },
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/**
 * A reservation as v2 shows it: v1's view with every amount in the reservation's currency (its own
 * minor digits), every rejection reason as itself, and what a booking from a quote carries: the quote,
 * its lines as sold, the extras and a one-way return location.
 */
export const presentReservationV2 = (r: Reservation): z.output<typeof ReservationViewV2> => {
  const { currency } = r.price;
  const decimal = (minor: number) => toDecimal(minor, currency);
  const v1 = presentReservation(r);
  return {
    ...v1,
    totalPrice: decimal(r.price.totalMinor),
    price: { ...v1.price, currency, dailyRate: decimal(r.price.dailyMinor), total: decimal(r.price.totalMinor) },
    ...(r.reason ? { reason: { code: r.reason, message: REJECTION_REASONS[r.reason] } } : {}),
    ...(r.refund ? { refund: { percent: r.refund.percent, amount: decimal(r.refund.amountMinor) } } : {}),
    ...(r.quoteId ? { quoteId: r.quoteId } : {}),
    ...(r.lines ? { lines: priceLines(r.lines, decimal) } : {}),
    ...(r.extras ? { extras: r.extras.map(({ code, quantity, stocked }) => ({ code, quantity, stocked })) } : {}),
    ...(r.returnLocation ? { returnLocation: r.returnLocation } : {}),
    status: r.status,
    ...(r.paymentOption ? { paymentOption: r.paymentOption } : {}),
    ...(r.terms
      ? {
          terms: {
            noShowAfterMinutes: r.terms.noShowAfterMinutes,
            noShowFee: decimal(r.terms.noShowFeeMinor),
            lateGraceMinutes: r.terms.lateGraceMinutes,
            lateHourlyRate: decimal(r.terms.lateHourlyMinor),
            lateDailyRate: decimal(r.terms.lateDailyMinor),
            fuelPerEighth: decimal(r.terms.fuelPerEighthMinor),
            ...(r.terms.kmPerDay !== undefined && r.terms.perKmMinor !== undefined
              ? { kmPerDay: r.terms.kmPerDay, perKm: decimal(r.terms.perKmMinor) }
              : {}),
            deposit: decimal(r.terms.depositMinor),
          },
        }
      : {}),
    // A claim in progress (still Confirmed, or Active) is not a hand-over yet.
    ...(r.pickup && r.status !== 'Confirmed' ? { pickup: handover(r.pickup) } : {}),
    ...(r.dropoff && r.status === 'Completed'
      ? {
          return: {
            ...handover(r.dropoff),
            ...(r.dropoff.damages?.length
              ? { damages: r.dropoff.damages.map(({ description, photos }) => ({ description, ...photosOf(photos) })) }
              : {}),
          },
        }
      : {}),
    ...(r.charges && r.status === 'Completed' ? { charges: priceLines(r.charges, decimal) } : {}),
    ...(r.settlement
      ? {
          settlement: {
            paid: decimal(r.settlement.paidMinor),
            charges: decimal(r.settlement.chargesMinor),
            chargedNow: decimal(r.settlement.chargedNowMinor),
            released: decimal(r.settlement.releasedMinor),
            outstanding: decimal(r.settlement.outstandingMinor),
          },
        }
      : {}),
  };
};

/** A page of reservations, each shown by the version's presenter. */
const pageOf =
  <View>(present: (r: Reservation) => View) =>
  (page: { items: Reservation[]; nextCursor?: string }) => ({
    reservations: page.items.map((r) => present(r)),
    nextCursor: page.nextCursor ?? null,
  });

export const presentPage = pageOf(presentReservation);
export const presentPageV2 = pageOf(presentReservationV2);

/** Quote-style lines as the API shows them: decimals in the reservation's currency. */
const priceLines = (lines: readonly QuoteLine[], decimal: (minor: number) => number) =>
  lines.map(({ code, label, quantity, unitMinor, amountMinor }) => ({
    code,
    label,
    quantity,
    unitAmount: decimal(unitMinor),
    amount: decimal(amountMinor),
  }));

/** Photos as the API shows them: their keys, when there are some. */
const photosOf = (photos: string[] | undefined) => (photos?.length ? { photos } : {});

/** A hand-over as the API shows it. */
const handover = (h: Handover) => ({
  by: h.by,
  at: h.at,
  location: h.location,
  odometerKm: h.odometerKm,
  fuelLevel: h.fuelLevel,
  ...(h.notes ? { notes: h.notes } : {}),
  ...photosOf(h.photos),
});
