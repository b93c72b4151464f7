import { bookingDeps } from '../adapters/bookings';
import { sweepReservations } from '../domain/bookings/lifecycle';
import { scheduleHandler } from '../workers/schedule-handler';

const deps = bookingDeps();

export const handler = scheduleHandler('sweepReservations', () => sweepReservations(deps));
