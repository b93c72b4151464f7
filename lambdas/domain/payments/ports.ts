import type { Clock } from '../../shared/clock';
import type { Reservation } from '../bookings/reservation';
import type { CurrencyCode, GatewayId, GatewayRouter } from './gateway';
import type { HoldStore } from './hold-ports';

/** What the payment use cases need from the outside world (PostgreSQL, DynamoDB, gateways). */

export type PaymentStatus = 'processing' | 'succeeded' | 'declined' | 'failed';

/**
 * The one vocabulary clients see for a payment, on every route and in the OpenAPI enum (the seed's
 * `Completed` and `Failed`, and `Processing` while a charge is under way or awaits reconciliation): a
 * decline is a `Failed` payment with its `declineReason`.
 */
export const PAYMENT_STATUS_LABELS = ['Processing', 'Completed', 'Failed'] as const;
export type PaymentStatusLabel = (typeof PAYMENT_STATUS_LABELS)[number];
export const paymentStatusLabel = (status: PaymentStatus): PaymentStatusLabel =>
  status === 'succeeded' ? 'Completed' : status === 'processing' ? 'Processing' : 'Failed';

export interface Payment {
  paymentId: string;
  reservationId: string;
  userId: string;
  amountMinor: number;
  currency: CurrencyCode;
  method: string;
  gateway?: GatewayId;
  gatewayReference?: string;
  status: PaymentStatus;
  declineReason?: string;
  refundedMinor: number;
  /** A change's payment (bookings/change.ts): the difference a change added, beside the booking's own payment. */
  changeId?: string;
  createdAt: string;
}

export type RefundSource = 'cancellation' | 'admin' | 'lapsed_hold' | 'no_show' | 'change';

export interface Refund {
  refundId: string;
  paymentId: string;
  amountMinor: number;
  reason: string;
  source: RefundSource;
  status: 'processing' | 'succeeded' | 'failed';
  createdAt: string;
}

/** A stored answer to a request made with an Idempotency-Key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyClaim =
  { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'inProgress' } | { kind: 'mismatch' };

export interface PaymentStore {
  /** Claims (user, key) for a request with this hash, or says what the key already holds. */
  claimKey(userId: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  /** Forgets a claim whose request changed nothing (gateways down), so a retry may go ahead. */
  releaseKey(userId: string, key: string): Promise<void>;
  /** Stores the answer of a claimed key whose request made no payment (a pay-at-pick-up authorisation): a repeat replays it. */
  answerKey(userId: string, key: string, response: StoredResponse): Promise<void>;
  /** Inserts a processing payment; false when the reservation already has one processing or succeeded (for the booking, or for this change). */
  begin(payment: Payment, idempotencyKey: string): Promise<boolean>;
  /**
   * In one transaction: the payment (still processing) succeeded, its `PaymentSucceeded` outbox event,
   * and the stored answer of the key it was made with. Afterwards nothing can lose the fact that money
   * was taken. False when the payment was no longer processing (settled by someone else).
   */
  succeed(payment: Payment, response: (payment: Payment) => StoredResponse): Promise<boolean>;
  /**
   * The processing payment was declined, or failed; with `response`, its key replays it; without, the
   * key is released (nothing was charged: the customer may try again). False when no longer processing.
   */
  finish(payment: Payment, status: 'declined' | 'failed', declineReason: string | undefined, response?: StoredResponse): Promise<boolean>;
  get(paymentId: string): Promise<Payment | undefined>;
  /** Payments still `processing` that began before `createdBefore` (left so by a crash), oldest first. */
  stuck(createdBefore: string, limit: number): Promise<Payment[]>;
  byReservation(reservationId: string): Promise<{ payments: Payment[]; refunds: Refund[] }>;
  /**
   * Reserves `amountMinor` of a succeeded payment for a refund (never more than what is left) and
   * records it processing under `idempotencyKey`; an existing refund with that key is returned instead.
   */
  beginRefund(
    refund: Refund,
    idempotencyKey: string,
  ): Promise<{ kind: 'started'; refund: Refund } | { kind: 'exists'; refund: Refund } | { kind: 'exceeds'; left: number }>;
  /** The refund went through, or failed (then its amount is available again). */
  finishRefund(refund: Refund, outcome: { succeeded: true; reference: string } | { succeeded: false }): Promise<void>;
  /** Outbox events not yet delivered, oldest first; only those of one payment (or authorisation) when `paymentId` is given. */
  pendingEvents(limit: number, paymentId?: string): Promise<Array<{ id: string; type: string; payload: Record<string, unknown> }>>;
  markDelivered(id: string): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}

/** The booking side, as payments reads it. */
export interface ReservationReader {
  get(reservationId: string): Promise<Reservation | undefined>;
}

/** ... and as payments changes it. */
export interface Reservations extends ReservationReader {
  /** Pending with a live hold -> Confirmed; false when the hold lapsed or the state moved on. */
  confirm(reservationId: string): Promise<boolean>;
}

/** Tells the customer about a refund payments made on its own (a payment that arrived after the hold lapsed). */
export interface PaymentNotices {
  refundedLate(reservation: Reservation, amountMinor: number): Promise<void>;
}

export interface PaymentDeps {
  payments: PaymentStore;
  /** Authorisations: a pay-at-pick-up reservation's payment authorises its total (holds.ts). */
  holds: HoldStore;
  reservations: Reservations;
  gateways: GatewayRouter;
  notices: PaymentNotices;
  clock: Clock;
  newId: () => string;
}
