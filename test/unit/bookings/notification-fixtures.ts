import type { BookingEvent, BookingEventType } from '../../../lambdas/domain/bookings/notifications';
import type { Reservation } from '../../../lambdas/domain/bookings/reservation';

/** A Pending reservation: 3 days of a 2024 Toyota Corolla at LAX, $45.00 a day, held until 14:05:59 UTC. */
export const reservation = (over: Partial<Reservation> = {}): Reservation => ({
  reservationId: 'res-0001',
  userId: 'user-1',
  contactEmail: 'ada@example.com',
  carId: 'car-1',
  startDate: '2025-03-10',
  endDate: '2025-03-13',
  status: 'Pending',
  price: { currency: 'USD', dailyMinor: 4500, days: 3, totalMinor: 13500 },
  car: { make: 'Toyota', model: 'Corolla', year: 2024, type: 'SEDAN', location: 'LAX' },
  holdExpiresAt: Date.UTC(2025, 2, 1, 14, 5, 59),
  createdAt: '2025-03-01T14:00:59.000Z',
  updatedAt: '2025-03-01T14:00:59.000Z',
  ...over,
});

export const bookingEvent = (type: BookingEventType, over: Partial<Reservation> = {}): BookingEvent => ({
  type,
  reservation: reservation(over),
  at: '2025-03-01T14:01:00.000Z',
});
