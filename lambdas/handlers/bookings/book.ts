import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { holdMs, reservationStore } from '../../adapters/bookings';
import { bookingQueue } from '../../adapters/bookings/queue';
import { carRepository } from '../../adapters/fleet';
import { preferredWait } from '../../api/booking-schemas';
import type { ApiVersion, RouteInput } from '../../api/route';
import type { routes } from '../../api/routes';
import type { BookingDeps } from '../../domain/bookings/ports';
import { awaitDecision, requestBooking, type BookingRequest } from '../../domain/bookings/request';
import { REJECTION_REASONS, type Reservation } from '../../domain/bookings/reservation';
import { httpHandler, type Reply } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { clock } from '../../shared/clock';
import { presentReservation, presentReservationV2 } from './presenter';

/** Time kept back from the function's timeout for answering after a wait. */
const ANSWER_MARGIN_MS = 1_500;

/**
 * POST /reservations in any version: queue the request, wait for its decision if the client prefers
 * (`Prefer: wait=N`), and answer 202 (queued), 201 (held) or 409 (rejected, with the reservation that
 * records it), with the reservation's URL in the version the client called and in that version's view.
 */
const bookAndAnswer = async (
  deps: Pick<BookingDeps, 'reservations' | 'cars' | 'queue' | 'clock' | 'newId' | 'holdMs' | 'quotes' | 'sales'>,
  request: BookingRequest,
  call: { prefer?: string; context: Context; version: ApiVersion; present: (r: Reservation) => unknown },
): Promise<Reply> => {
  const { present } = call;
  const { reservation: queued } = await requestBooking(deps, request);
  const waitS = preferredWait(call.prefer);
  const reservation =
    waitS > 0
      ? await awaitDecision(deps, queued, Math.min(waitS * 1000, call.context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS))
      : queued;
  const location = `/${call.version}/reservations/${reservation.reservationId}`;
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
          details: { reservation: present(reservation) },
        },
      },
    };
  }
  return {
    status: reservation.status === 'Requested' ? 202 : 201,
    headers: { location, ...applied },
    body: present(reservation),
  };
};

type BookingRoute = typeof routes.requestBooking | typeof routes.requestTimedBooking;

/** Each booking route's view: its version's (the route's 201/202 schema). */
const presenters: Record<BookingRoute['operationId'], (r: Reservation) => unknown> = {
  requestBooking: presentReservation,
  requestTimedBooking: presentReservationV2,
};

/**
 * A booking route's handler: the same request, answer and deps in every version; `when` reads what it
 * books, `extra` adds what only that version's booking uses (v2: its pricing and driver rules).
 */
export const bookingHandler = <R extends BookingRoute>(
  route: R,
  when: (body: NonNullable<RouteInput<R>['body']>) => Pick<BookingRequest, 'carId' | 'period' | 'times' | 'quoteId'>,
  extra: Pick<BookingDeps, 'quotes' | 'sales'> = {},
) => {
  const present = presenters[route.operationId];
  const deps = {
    reservations: reservationStore(),
    cars: carRepository(),
    queue: bookingQueue(),
    clock,
    newId: randomUUID,
    holdMs: holdMs(),
    ...extra,
  };
  return httpHandler(route, async ({ body, headers, principal, requestId, context, version }) => {
    const input = body as NonNullable<RouteInput<R>['body']> & { carId: string; userId?: string };
    return bookAndAnswer(
      deps,
      {
        userId: actorOf(principal).userId,
        email: principal?.email,
        claimedUserId: input.userId,
        carId: input.carId,
        ...when(input),
        idempotencyKey: headers['idempotency-key'],
        correlationId: requestId,
      },
      { prefer: headers.prefer, context, version, present },
    );
  });
};
