import {
  BlockBody,
  BlockParams,
  BlockView,
  BookingBody,
  TimedBookingBody,
  BookingHeaders,
  CarReservationsQuery,
  ReservationIdParams,
  ReservationList,
  ReservationListV2,
  ReservationView,
  ReservationViewV2,
  UserReservationsParams,
  UserReservationsQuery,
  UserReservationsQueryV2,
} from '../booking-schemas';
import { CarIdParams } from '../fleet-schemas';
import { OptionalIdempotencyKeyHeader } from '../payment-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { ErrorBody } from '../schemas';
import { ADMIN_THROTTLE, BOOKING_THROTTLE, DEFAULT_THROTTLE } from './throttle';

const tag = 'Reservations';

/** What a booking request answers, in every version, each with its version's reservation view. */
const bookingAnswers = (
  view: typeof ReservationView | typeof ReservationViewV2,
): Pick<RouteDefinition, 'responses' | 'errors' | 'throttle'> => ({
  responses: {
    201: { description: 'Decided within the wait: held (Pending) until `holdExpiresAt` for payment', schema: view },
    202: { description: 'Accepted and queued (Requested); follow the Location header for the decision', schema: view },
    409: {
      description: 'Decided within the wait: rejected (car taken, blocked or removed); `details.reservation` records it',
      schema: ErrorBody,
    },
  },
  errors: [404, 422, 503],
  throttle: BOOKING_THROTTLE,
});

/**
 * The routes that answer reservations, in v1 (frozen: ReservationView) and v2 (ReservationViewV2): one
 * route each, same method, path and capability, so one function serves both (`byVersion` in the handler).
 */
type Shared = Omit<RouteDefinition, 'operationId' | 'versions' | 'responses'>;
const getReservation = {
  method: 'GET',
  path: '/reservations/{reservationId}',
  capability: 'getReservation',
  access: 'customer',
  summary: 'A reservation: status, dates, price, hold deadline, reason when rejected (yours, or any for admins)',
  tag,
  request: { params: ReservationIdParams },
  errors: [404],
  throttle: DEFAULT_THROTTLE,
} satisfies Shared;
const cancelReservation = {
  method: 'POST',
  path: '/reservations/{reservationId}/cancel',
  capability: 'cancelReservation',
  access: 'customer',
  summary:
    'Cancel a reservation: its days are free at once; a paid one is refunded by the policy (full 48 h or more before pick-up, half after, none once started; full whenever an admin cancels it for the customer)',
  tag,
  request: { params: ReservationIdParams },
  errors: [404, 409, 503],
  throttle: BOOKING_THROTTLE,
} satisfies Shared;
const listUserReservations = {
  method: 'GET',
  path: '/users/{userId}/reservations',
  capability: 'listUserReservations',
  access: 'customer',
  summary: "A user's rental history, newest pick-up first (that user or an admin)",
  tag,
  request: { params: UserReservationsParams, query: UserReservationsQuery },
  throttle: DEFAULT_THROTTLE,
} satisfies Shared;
const listCarReservations = {
  method: 'GET',
  path: '/cars/{carId}/reservations',
  capability: 'listCarReservations',
  access: 'admin',
  summary: "A car's reservations, upcoming or past",
  tag,
  request: { params: CarIdParams, query: CarReservationsQuery },
  throttle: ADMIN_THROTTLE,
} satisfies Shared;

export const bookingRoutes = {
  requestBooking: defineRoute({
    operationId: 'requestBooking',
    method: 'POST',
    path: '/reservations',
    versions: ['v1'],
    capability: 'requestBooking',
    access: 'customer',
    verifiedEmail: true,
    summary: 'Book a car for a period: queued, decided without double booking (send `Prefer: wait=N` to get the decision)',
    tag,
    request: { body: BookingBody, headers: BookingHeaders },
    ...bookingAnswers(ReservationView),
  }),
  requestTimedBooking: defineRoute({
    operationId: 'requestTimedBooking',
    method: 'POST',
    path: '/reservations',
    versions: ['v2'],
    capability: 'requestTimedBooking',
    access: 'customer',
    verifiedEmail: true,
    summary:
      'Book a car from a time to a time (local at its location): queued, decided without double booking, turnaround included (send `Prefer: wait=N` to get the decision)',
    tag,
    request: { body: TimedBookingBody, headers: BookingHeaders },
    ...bookingAnswers(ReservationViewV2),
  }),
  getReservation: defineRoute({
    ...getReservation,
    operationId: 'getReservation',
    versions: ['v1'],
    responses: { 200: { description: 'The reservation', schema: ReservationView } },
  }),
  getReservationV2: defineRoute({
    ...getReservation,
    operationId: 'getReservationV2',
    versions: ['v2'],
    responses: { 200: { description: 'The reservation', schema: ReservationViewV2 } },
  }),
  cancelReservation: defineRoute({
    ...cancelReservation,
    operationId: 'cancelReservation',
    versions: ['v1'],
    responses: { 200: { description: 'Cancelled, with the refund when it was paid', schema: ReservationView } },
  }),
  cancelReservationV2: defineRoute({
    ...cancelReservation,
    operationId: 'cancelReservationV2',
    versions: ['v2'],
    responses: { 200: { description: 'Cancelled, with the refund when it was paid', schema: ReservationViewV2 } },
  }),
  listUserReservations: defineRoute({
    ...listUserReservations,
    operationId: 'listUserReservations',
    versions: ['v1'],
    responses: { 200: { description: 'A page of reservations (an empty list when none)', schema: ReservationList } },
  }),
  listUserReservationsV2: defineRoute({
    ...listUserReservations,
    request: { params: UserReservationsParams, query: UserReservationsQueryV2 },
    operationId: 'listUserReservationsV2',
    versions: ['v2'],
    responses: { 200: { description: 'A page of reservations (an empty list when none)', schema: ReservationListV2 } },
  }),
  listCarReservations: defineRoute({
    ...listCarReservations,
    operationId: 'listCarReservations',
    versions: ['v1'],
    responses: { 200: { description: 'A page of reservations', schema: ReservationList } },
  }),
  listCarReservationsV2: defineRoute({
    ...listCarReservations,
    operationId: 'listCarReservationsV2',
    versions: ['v2'],
    responses: { 200: { description: 'A page of reservations', schema: ReservationListV2 } },
  }),
  addCarBlock: defineRoute({
    operationId: 'addCarBlock',
    method: 'POST',
    path: '/cars/{carId}/blocks',
    capability: 'manageCarBlocks',
    access: 'admin',
    summary:
      'Take a car out of service for some days: it can be neither booked nor found for them (Idempotency-Key: a retry with the same key and block answers with the same block)',
    tag: 'Fleet',
    request: { params: CarIdParams, body: BlockBody, headers: OptionalIdempotencyKeyHeader },
    responses: { 201: { description: 'Blocked', schema: BlockView } },
    errors: [404, 409, 422, 503],
    throttle: ADMIN_THROTTLE,
  }),
  removeCarBlock: defineRoute({
    operationId: 'removeCarBlock',
    method: 'DELETE',
    path: '/cars/{carId}/blocks/{blockId}',
    capability: 'manageCarBlocks',
    access: 'admin',
    summary: 'Put a car back in service for the days of a block',
    tag: 'Fleet',
    request: { params: BlockParams },
    responses: { 204: { description: 'Block removed' } },
    errors: [404, 503],
    throttle: ADMIN_THROTTLE,
  }),
};
