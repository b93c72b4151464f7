import type { Reservation } from './reservation';

/**
 * What the booking life cycle tells the outside world. Each event goes to the notifications topic (SNS
 * in AWS, for other consumers such as payments' refunds) and, when the reservation has a contact email,
 * as an email to the customer (SES in AWS, the local mailbox in the local runtime).
 */
export const BOOKING_EVENT_TYPES = [
  'ReservationHeld',
  'ReservationConfirmed',
  'ReservationRejected',
  'ReservationCancelled',
  'ReservationExpired',
  'PickupReminder',
  /** A v2 rental not picked up by its deadline: its `refund` is what is given back (the rest, the no-show fee, kept). */
  'ReservationNoShow',
  /** Its times, extras or return changed (PATCH), re-priced: the reservation as it now is. */
  'ReservationChanged',
  /** An agent handed the car over (Active). */
  'RentalStarted',
  /** An agent took the car back (Completed): the receipt (`charges`, `settlement`). */
  'RentalReturned',
  /** Payments refunded a payment that arrived after the hold had lapsed (`reservation.refund` says how much). */
  'LatePaymentRefunded',
] as const;
export type BookingEventType = (typeof BOOKING_EVENT_TYPES)[number];

export interface BookingEvent {
  type: BookingEventType;
  /** The reservation after the change (a cancellation carries its `refund`). */
  reservation: Reservation;
  /** ISO time of the change. */
  at: string;
}

/** Best effort by contract: a notifier logs its failures and never throws, so a decided change is never undone by them. */
export interface Notifier {
  publish(event: BookingEvent): Promise<void>;
}
