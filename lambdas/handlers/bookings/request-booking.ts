import { randomUUID } from 'node:crypto';
import { reservationStore } from '../../adapters/bookings';
import { bookingQueue } from '../../adapters/bookings/queue';
import { carRepository } from '../../adapters/fleet';
import { clock } from '../../shared/clock';
import { preferredWait } from '../../api/booking-schemas';
import { API_STAGE, routes } from '../../api/routes';
import { awaitDecision, requestBooking } from '../../domain/bookings/request';
import { REJECTION_REASONS } from '../../domain/bookings/reservation';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentReservation } from './presenter';

const deps = { reservations: reservationStore(), cars: carRepository(), queue: bookingQueue(), clock, newId: randomUUID };
/** Time kept back from the function's timeout for answering after a wait. */
const ANSWER_MARGIN_MS = 1_500;

export const handler = httpHandler(routes.requestBooking, async ({ body, headers, principal, requestId, context }) => {
  const { userId } = actorOf(principal);
  const { reservation: queued } = await requestBooking(deps, {
    userId,
    email: principal?.email,
    claimedUserId: body.userId,
    carId: body.carId,
    period: { startDate: body.startDate, endDate: body.endDate },
    idempotencyKey: headers['idempotency-key'],
    correlationId: requestId,
  });
  const waitS = preferredWait(headers.prefer);
  const reservation =
    waitS > 0 ? await awaitDecision(deps, queued, Math.min(waitS * 1000, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS)) : queued;
  const location = `/${API_STAGE}/reservations/${reservation.reservationId}`;
  const applied: Record<string, string> = waitS > 0 ? { 'preference-applied': `wait=${waitS}` } : {};
  if (reservation.status === 'Rejected') {
    // The decision came in time and it is no: the conflict, with the reservation that records it.
    return {
      status: 409,
      headers: { location, ...applied },
      body: {
        error: {
          code: 'CONFLICT',
          message: reservation.reason ? REJECTION_REASONS[reservation.reason] : 'The car is not available for these days.',
          details: { reservation: presentReservation(reservation) },
        },
      },
    };
  }
  return {
    status: reservation.status === 'Requested' ? 202 : 201,
    headers: { location, ...applied },
    body: presentReservation(reservation),
  };
});
