import { forbidden } from '../../shared/errors';
import type { Actor } from './lifecycle';
import type { BookingDeps, Page } from './ports';
import type { Reservation, ReservationStatus } from './reservation';

/** A user's rental history, newest pick-up first: that user or an admin only. */
export const userReservations = (
  deps: Pick<BookingDeps, 'reservations'>,
  actor: Actor,
  userId: string,
  options: { status?: ReservationStatus | readonly ReservationStatus[]; limit: number; cursor?: string },
): Promise<Page<Reservation>> => {
  if (!actor.isAdmin && actor.userId !== userId) throw forbidden('You can only see your own reservations.');
  return deps.reservations.listByUser(userId, options);
};

/** A car's reservations for admins: those not yet returned (soonest first) or the returned ones (latest first). */
export const carReservations = (
  deps: Pick<BookingDeps, 'reservations' | 'clock'>,
  carId: string,
  options: { when: 'upcoming' | 'past'; limit: number; cursor?: string },
): Promise<Page<Reservation>> => deps.reservations.listByCar(carId, { ...options, now: deps.clock.now() });
