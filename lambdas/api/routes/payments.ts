import { ReservationIdParams } from '../booking-schemas';
import {
  IdempotencyKeyHeader,
  OptionalIdempotencyKeyHeader,
  PaymentBody,
  PaymentBodyV2,
  PaymentDetail,
  PaymentIdParams,
  PaymentMethods,
  PaymentView,
  PaymentViewV2,
  RefundBody,
  RefundView,
  ReservationPayments,
} from '../payment-schemas';
import { ReservationPaymentsV2 } from '../hold-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { ADMIN_THROTTLE, DEFAULT_THROTTLE } from './throttle';

/** Paying is a money movement: a tight limit, with a per-IP WAF rule in front in AWS (security issue). */
const PAYMENT_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
const tag = 'Payments';

const payForReservation = {
  method: 'POST',
  path: '/payments',
  capability: 'payForReservation',
  access: 'customer',
  verifiedEmail: true,
  summary: 'Pay a Pending reservation within its hold (Idempotency-Key required); confirms it',
  tag,
  responses: { 201: { description: 'Paid; the reservation is Confirmed', schema: PaymentView } },
  errors: [404, 409, 422, 503],
  throttle: PAYMENT_THROTTLE,
} satisfies Omit<RouteDefinition, 'operationId' | 'versions' | 'request'>;

const listReservationPayments = {
  method: 'GET',
  path: '/reservations/{reservationId}/payments',
  capability: 'readPayments',
  access: 'customer',
  summary: 'The payments and refunds of a reservation (yours, or any for admins)',
  tag,
  request: { params: ReservationIdParams },
  errors: [404, 503],
  throttle: DEFAULT_THROTTLE,
} satisfies Omit<RouteDefinition, 'operationId' | 'versions' | 'responses'>;

export const paymentRoutes = {
  payForReservation: defineRoute({
    ...payForReservation,
    operationId: 'payForReservation',
    versions: ['v1'],
    request: { headers: IdempotencyKeyHeader, body: PaymentBody },
  }),
  /**
   * v2: the same payment, which may say its currency (a reservation is in its pick-up location's); a
   * pay-at-pick-up reservation's is an authorisation of its total (201, status Authorised), which confirms it too.
   */
  payForReservationV2: defineRoute({
    ...payForReservation,
    summary: 'Pay a Pending reservation within its hold (Idempotency-Key required), or authorise its total (pay at pick-up); confirms it',
    responses: {
      201: { description: 'Paid, or authorised (paymentOption payAtPickup); the reservation is Confirmed', schema: PaymentViewV2 },
    },
    operationId: 'payForReservationV2',
    versions: ['v2'],
    request: { headers: IdempotencyKeyHeader, body: PaymentBodyV2 },
  }),
  listPaymentMethods: defineRoute({
    operationId: 'listPaymentMethods',
    method: 'GET',
    path: '/payments/methods',
    capability: 'listPaymentMethods',
    access: 'public',
    summary: 'The payment methods on offer and the details each needs',
    tag,
    request: {},
    responses: { 200: { description: 'Methods', schema: PaymentMethods } },
    throttle: DEFAULT_THROTTLE,
  }),
  getPayment: defineRoute({
    operationId: 'getPayment',
    method: 'GET',
    path: '/payments/{paymentId}',
    capability: 'readPayments',
    access: 'customer',
    summary: 'A payment (yours, or any for admins)',
    tag,
    request: { params: PaymentIdParams },
    responses: { 200: { description: 'The payment', schema: PaymentDetail } },
    errors: [404, 503],
    throttle: DEFAULT_THROTTLE,
  }),
  listReservationPayments: defineRoute({
    ...listReservationPayments,
    operationId: 'listReservationPayments',
    versions: ['v1'],
    responses: { 200: { description: 'Payments and refunds', schema: ReservationPayments } },
  }),
  /** v2: the holds too (a pay-at-pick-up authorisation, the deposit), with their captures, voids and releases. */
  listReservationPaymentsV2: defineRoute({
    ...listReservationPayments,
    operationId: 'listReservationPaymentsV2',
    versions: ['v2'],
    summary: 'The payments, refunds and card authorisations (pay at pick-up, deposit) of a reservation (yours, or any for admins)',
    responses: { 200: { description: 'Payments, refunds and authorisations', schema: ReservationPaymentsV2 } },
  }),
  refundPayment: defineRoute({
    operationId: 'refundPayment',
    method: 'POST',
    path: '/payments/{paymentId}/refunds',
    capability: 'refundPayment',
    access: 'admin',
    summary: 'Refund part or all of a payment (never more than what is left)',
    tag,
    request: { params: PaymentIdParams, headers: OptionalIdempotencyKeyHeader, body: RefundBody },
    responses: { 201: { description: 'Refunded', schema: RefundView } },
    errors: [404, 409, 422, 503],
    throttle: ADMIN_THROTTLE,
  }),
};
