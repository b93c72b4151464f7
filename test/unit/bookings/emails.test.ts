import { emailFor } from '../../../lambdas/domain/bookings/emails';
import { BOOKING_EVENT_TYPES, type BookingEvent } from '../../../lambdas/domain/bookings/notifications';
import { REJECTION_REASONS, type RejectionReason } from '../../../lambdas/domain/bookings/reservation';
import { bookingEvent } from './notification-fixtures';

const render = (...args: Parameters<typeof bookingEvent>) => {
  const email = emailFor(bookingEvent(...args));
  if (!email) throw new Error('no email');
  return email;
};

describe('every event type', () => {
  it.each(BOOKING_EVENT_TYPES)('%s: plain text naming the reservation, car, dates and total', (type) => {
    const { subject, text } = render(type);
    expect(subject.length).toBeGreaterThan(0);
    expect(subject).not.toMatch(/\n/);
    expect(text).toContain('Reservation: res-0001');
    expect(text).toContain('2024 Toyota Corolla (SEDAN)');
    expect(text).toContain('Pick-up:     Mon, Mar 10, 2025 at LAX');
    expect(text).toContain('Return:      Thu, Mar 13, 2025 (3 days)');
    expect(text).toContain('Total:       $135.00');
    expect(text).not.toMatch(/<[a-z!/]/i); // no HTML
    expect(text).not.toMatch(/undefined|NaN|\[object/);
  });
});

it('held: the hold deadline in UTC, and that payment must arrive before it', () => {
  const { subject, text } = render('ReservationHeld');
  expect(subject).toBe('Complete your payment: 2024 Toyota Corolla is held for you');
  // 14:05:59 is shown as 14:05: never later than the real deadline.
  expect(text).toContain('until 2025-03-01 14:05 UTC');
  expect(text).toMatch(/payment must arrive before then/);
});

it('formats the currency from minor units, with grouping and cents', () => {
  const { text } = render('ReservationConfirmed', { price: { currency: 'USD', dailyMinor: 41152, days: 3, totalMinor: 123456 } });
  expect(text).toContain('Total:       $1,234.56');
});

it('says "1 day" for a one-day rental', () => {
  const { text } = render('ReservationConfirmed', {
    endDate: '2025-03-11',
    price: { currency: 'USD', dailyMinor: 4500, days: 1, totalMinor: 4500 },
  });
  expect(text).toContain('(1 day)');
});

it('confirmed: says so in the subject with the pick-up day', () => {
  const { subject, text } = render('ReservationConfirmed', { status: 'Confirmed' });
  expect(subject).toBe('Booking confirmed: 2024 Toyota Corolla from Mon, Mar 10, 2025');
  expect(text).toMatch(/booking is confirmed/);
});

describe('rejected', () => {
  it.each(Object.keys(REJECTION_REASONS) as RejectionReason[])('%s: gives the reason text and that nothing was charged', (reason) => {
    const { text } = render('ReservationRejected', { status: 'Rejected', reason });
    expect(text).toContain(REJECTION_REASONS[reason]);
    expect(text).toMatch(/not been charged/);
  });

  it('without a reason still reads as a sentence', () => {
    expect(render('ReservationRejected', { status: 'Rejected' }).text).toContain('The car is not available for these days.');
  });
});

describe('cancelled', () => {
  it('states the refund amount and percent', () => {
    const { subject, text } = render('ReservationCancelled', { status: 'Cancelled', refund: { percent: 50, amountMinor: 6750 } });
    expect(subject).toBe('Booking cancelled: 2024 Toyota Corolla');
    expect(text).toContain('We are refunding $67.50 (50% of the total) to your payment method.');
  });

  it('says when the policy gives no refund', () => {
    expect(render('ReservationCancelled', { status: 'Cancelled', refund: { percent: 0, amountMinor: 0 } }).text).toMatch(
      /no refund is due/,
    );
  });

  it('says nothing about refunds when nothing was paid', () => {
    expect(render('ReservationCancelled', { status: 'Cancelled' }).text).not.toMatch(/refund/i);
  });
});

it('expired: the hold lapsed, the car was released, nothing was charged', () => {
  const { subject, text } = render('ReservationExpired', { status: 'Expired' });
  expect(subject).toBe('Your hold on the 2024 Toyota Corolla has expired');
  expect(text).toMatch(/hold has lapsed and the car has been released/);
  expect(text).toMatch(/not been charged/);
});

it('pick-up reminder: the day and the location', () => {
  const { subject, text } = render('PickupReminder', { status: 'Confirmed' });
  expect(subject).toBe('Reminder: pick up your 2024 Toyota Corolla on Mon, Mar 10, 2025');
  expect(text).toContain('Your rental starts on Mon, Mar 10, 2025 at LAX.');
});

it('has no email for an event type it does not know (a newer producer)', () => {
  expect(emailFor({ ...bookingEvent('ReservationHeld'), type: 'SomethingNew' } as unknown as BookingEvent)).toBeUndefined();
});

it('a v2 booking: pick-up and return at their local times, with the offset they were booked at', () => {
  const { subject, text } = render('ReservationConfirmed', {
    pickupAt: '2027-03-01T10:00:00-08:00',
    returnAt: '2027-03-04T10:40:00-08:00',
  });
  expect(subject).toContain('from Mon, Mar 1, 2027 10:00 (UTC-08:00)');
  expect(text).toContain('Pick-up:     Mon, Mar 1, 2027 10:00 (UTC-08:00) at LAX');
  expect(text).toContain('Return:      Thu, Mar 4, 2027 10:40 (UTC-08:00) (3 days)');
});
