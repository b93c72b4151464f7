import type { Reservation } from '../../../lambdas/domain/bookings/reservation';

/** A reservation of the unit tests: two days (2030-03-10 to 12) of a Kia Rio at BOS, $50.00 a day. */
export const reservationFixture = (patch: Partial<Reservation> & Pick<Reservation, 'status' | 'createdAt' | 'updatedAt'>): Reservation => ({
  reservationId: 'r1',
  userId: 'u1',
  carId: 'c1',
  startDate: '2030-03-10',
  endDate: '2030-03-12',
  price: { currency: 'USD', dailyMinor: 5_000, days: 2, totalMinor: 10_000 },
  car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
  ...patch,
});
