import { ReservationIdParams } from '../booking-schemas';
import {
  OptionalIdempotencyKeyHeader,
  PaymentDetail,
  PaymentIdParams,
  PaymentMethods,
  RefundBody,
  RefundView,
  ReservationPayments,
} from '../payment-schemas';
import { ReservationPaymentsV2 } from '../hold-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { payRoutes, tag } from './pay';
import { ADMIN_THROTTLE, DEFAULT_THROTTLE } from './throttle';

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
  ...payRoutes,
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
