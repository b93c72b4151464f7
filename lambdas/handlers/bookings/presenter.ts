import type * as z from '../../shared/zod';
import type { CarType } from '../../api/fleet-schemas';
import type { ReservationView } from '../../api/booking-schemas';
import { REJECTION_REASONS, type Reservation } from '../../domain/bookings/reservation';
import { feedbackStateOf } from '../../domain/feedback/feedback';
import { fromMinorUnits } from '../../domain/fleet/money';
import { clock } from '../../shared/clock';

/** A reservation as the API shows it: money as decimal numbers, times as ISO strings. */
export const presentReservation = (r: Reservation): z.output<typeof ReservationView> => ({
  reservationId: r.reservationId,
  userId: r.userId,
  carId: r.carId,
  car: { ...r.car, type: r.car.type as z.output<typeof CarType> },
  startDate: r.startDate,
  endDate: r.endDate,
  ...(r.pickupAt && r.returnAt ? { pickupAt: r.pickupAt, returnAt: r.returnAt } : {}),
  status: r.status,
  totalPrice: fromMinorUnits(r.price.totalMinor),
  price: {
    currency: r.price.currency,
    dailyRate: fromMinorUnits(r.price.dailyMinor),
    days: r.price.days,
    total: fromMinorUnits(r.price.totalMinor),
  },
  ...(r.status === 'Pending' && r.holdExpiresAt !== undefined ? { holdExpiresAt: new Date(r.holdExpiresAt).toISOString() } : {}),
  ...(r.reason ? { reason: { code: r.reason, message: REJECTION_REASONS[r.reason] } } : {}),
  ...(r.refund ? { refund: { percent: r.refund.percent, amount: fromMinorUnits(r.refund.amountMinor) } } : {}),
  feedback: { state: feedbackStateOf(r, clock.now()), ...(r.feedbackId ? { feedbackId: r.feedbackId } : {}) },
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const presentPage = (page: { items: Reservation[]; nextCursor?: string }) => ({
  reservations: page.items.map(presentReservation),
  nextCursor: page.nextCursor ?? null,
});
