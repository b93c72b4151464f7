import { IdempotencyKeyHeader, PaymentBody, PaymentBodyV2, PaymentView, PaymentViewV2 } from '../payment-schemas';
import { defineRoute, type RouteDefinition } from '../route';

/** Paying is a money movement: a tight limit, with a per-IP WAF rule in front in AWS (security issue). */
const PAYMENT_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
export const tag = 'Payments';

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

/** The payment itself, in a module of its own: the paying function carries none of the listings' schemas. */
export const payRoutes = {
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
};
