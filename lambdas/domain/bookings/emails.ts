import { fromMinorUnits } from '../fleet/money';
import type { BookingEvent, BookingEventType } from './notifications';
import { REJECTION_REASONS, type Reservation } from './reservation';
import type { QuoteLine } from '../pricing';

/** A plain-text customer email: plain text reads everywhere and cannot be broken by a value that looks like markup. */
export interface Email {
  subject: string;
  text: string;
}

const money = (minor: number, currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(fromMinorUnits(minor));

/** A `YYYY-MM-DD` day as "Mon, Mar 10, 2025": calendar days, so formatted in UTC (no time zone may shift them). */
const day = (isoDay: string): string =>
  new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }).format(
    new Date(`${isoDay}T00:00:00Z`),
  );

/** "2025-03-10 14:05 UTC", cut to the minute: rounding down never tells a customer they have longer than they do. */
const utcTime = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A v2 booking's local time as booked ("Mon, Mar 1, 2027 10:00 (UTC-08:00)"): the offset it carries, so it reads as at the desk. */
const localTime = (iso: string): string => {
  const [, date, time, offset] = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(iso) ?? [];
  return date ? `${day(date)} ${time} (UTC${offset === 'Z' ? '' : offset})` : iso;
};

/** When the rental starts and ends: v2's times at the location, or v1's days. */
const pickupOf = (r: Reservation): string => (r.pickupAt ? localTime(r.pickupAt) : day(r.startDate));
const returnOf = (r: Reservation): string => (r.returnAt ? localTime(r.returnAt) : day(r.endDate));

const carName = ({ car }: Reservation): string => `${car.year} ${car.make} ${car.model}`;

const summary = (r: Reservation): string =>
  [
    `Reservation: ${r.reservationId}`,
    `Car:         ${carName(r)} (${r.car.type})`,
    `Pick-up:     ${pickupOf(r)} at ${r.car.location}`,
    `Return:      ${returnOf(r)} (${r.price.days} ${r.price.days === 1 ? 'day' : 'days'})`,
    `Total:       ${money(r.price.totalMinor, r.price.currency)}`,
  ].join('\n');

const email = (subject: string, paragraphs: Array<string | undefined>, r: Reservation): Email => ({
  subject,
  text: [...paragraphs.filter((p): p is string => p !== undefined), summary(r), 'Car Rental'].join('\n\n') + '\n',
});

const refundLine = (r: Reservation): string | undefined => {
  if (!r.refund) return undefined; // nothing was paid, so there is nothing to refund
  if (r.refund.amountMinor === 0) return 'Under our cancellation policy no refund is due for this booking.';
  return `We are refunding ${money(r.refund.amountMinor, r.price.currency)} (${r.refund.percent}% of the total) to your payment method.`;
};

/** Quote-style lines as a receipt shows them: label, quantity x unit, amount. */
const lineList = (lines: readonly QuoteLine[], currency: string): string =>
  lines.map((l) => `  ${l.label}: ${l.quantity} x ${money(l.unitMinor, currency)} = ${money(l.amountMinor, currency)}`).join('\n');

/** The receipt of a rental returned at the counter: what it cost, what the return added, and how it was settled. */
const receipt = (r: Reservation): string[] => {
  const currency = r.price.currency;
  const charges = r.charges ?? [];
  const s = r.settlement;
  return [
    `Returned ${r.dropoff ? `at ${r.dropoff.location} on ${utcTime(Date.parse(r.dropoff.at))}` : ''}, ${r.dropoff?.odometerKm ?? '?'} km, fuel ${r.dropoff?.fuelLevel ?? '?'}/8.`,
    ...(r.lines?.length ? [`Your rental:\n${lineList(r.lines, currency)}`] : []),
    charges.length
      ? `Charges at the return:\n${lineList(charges, currency)}`
      : 'No charges at the return: on time, with the fuel and within the mileage.',
    ...(s
      ? [
          [
            `Paid for the rental:   ${money(s.paidMinor, currency)}`,
            `Charged now:           ${money(s.chargedNowMinor, currency)} (from your deposit)`,
            `Deposit released:      ${money(s.releasedMinor, currency)}`,
            ...(s.outstandingMinor > 0
              ? [`Still to pay:          ${money(s.outstandingMinor, currency)} (the branch will contact you)`]
              : []),
            `Refunded:              ${money(0, currency)}`,
          ].join('\n'),
        ]
      : []),
  ];
};

const RENDER: Record<BookingEventType, (r: Reservation) => Email> = {
  ReservationHeld: (r) => {
    // A Pending reservation always has a hold; the fallback only keeps a malformed one from breaking the email.
    const deadline = r.holdExpiresAt === undefined ? 'shortly' : `until ${utcTime(r.holdExpiresAt)}`;
    return email(
      `Complete your payment: ${carName(r)} is held for you`,
      [
        `We are holding the ${carName(r)} for you ${deadline}.`,
        'Your payment must arrive before then; after that the hold lapses and the car is released to other customers.',
      ],
      r,
    );
  },
  ReservationConfirmed: (r) =>
    email(`Booking confirmed: ${carName(r)} from ${pickupOf(r)}`, ['Your payment was received and your booking is confirmed.'], r),
  ReservationRejected: (r) =>
    email(
      `We could not book the ${carName(r)}`,
      [
        `Your booking request could not be completed. ${r.reason ? REJECTION_REASONS[r.reason] : 'The car is not available for these days.'}`,
        'You have not been charged. Please search again for other cars or dates.',
      ],
      r,
    ),
  ReservationCancelled: (r) => email(`Booking cancelled: ${carName(r)}`, ['Your booking has been cancelled.', refundLine(r)], r),
  ReservationExpired: (r) =>
    email(
      `Your hold on the ${carName(r)} has expired`,
      [
        'We did not receive your payment in time, so the hold has lapsed and the car has been released.',
        'You have not been charged. You are welcome to book again.',
      ],
      r,
    ),
  LatePaymentRefunded: (r) =>
    email(
      `Your payment for the ${carName(r)} was refunded`,
      [
        'Your payment arrived after the hold on the car had lapsed, so the booking could not be confirmed.',
        r.refund
          ? `We are refunding ${money(r.refund.amountMinor, r.price.currency)} in full to your payment method.`
          : 'We are refunding it in full.',
      ],
      r,
    ),
  ReservationNoShow: (r) =>
    email(
      `Missed pick-up: ${carName(r)}`,
      [
        `The car was not picked up by the end of the pick-up window, so the booking has ended as a no-show and the car is released.`,
        r.refund
          ? r.paymentOption === 'payAtPickup'
            ? `We keep the no-show fee of ${money(r.price.totalMinor - r.refund.amountMinor, r.price.currency)} from your card's authorisation; the rest is released.`
            : `We keep the no-show fee of ${money(r.price.totalMinor - r.refund.amountMinor, r.price.currency)} and refund ${money(r.refund.amountMinor, r.price.currency)} to your payment method.`
          : undefined,
      ],
      r,
    ),
  ReservationChanged: (r) =>
    email(
      `Booking changed: ${carName(r)} from ${pickupOf(r)}`,
      [
        'Your booking has been changed as below, at this price:',
        ...(r.lines ? [lineList(r.lines, r.price.currency)] : []),
        'A higher price was charged to your payment method; a lower one is refunded to it (less what our cancellation policy keeps, shown above as a line).',
      ],
      r,
    ),
  RentalStarted: (r) =>
    email(
      `Enjoy your ${carName(r)}`,
      [
        `You picked the car up${r.pickup ? ` at ${r.pickup.location} with ${r.pickup.odometerKm} km and ${r.pickup.fuelLevel}/8 of fuel` : ''}.`,
        `Please bring it back to ${r.returnLocation ?? r.car.location} by ${returnOf(r)}, with the same fuel.`,
      ],
      r,
    ),
  RentalReturned: (r) => email(`Your receipt: ${carName(r)}`, ['Thank you for renting with us.', ...receipt(r)], r),
  PickupReminder: (r) =>
    email(
      `Reminder: pick up your ${carName(r)} on ${pickupOf(r)}`,
      [`Your rental starts on ${pickupOf(r)} at ${r.car.location}. Please bring your driving licence.`],
      r,
    ),
};

/** The customer email for an event, or undefined for an event type that has none (a newer producer's type). */
export const emailFor = (event: BookingEvent): Email | undefined => RENDER[event.type]?.(event.reservation);
