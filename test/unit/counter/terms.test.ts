import { noShowMs, noShowRefund } from '../../../lambdas/domain/bookings/policy';
import type { Reservation } from '../../../lambdas/domain/bookings/reservation';
import { DEFAULT_COUNTER_RULES, rentalTermsOf, termsFor } from '../../../lambdas/domain/counter/terms';
import { reservation as pending } from '../bookings/notification-fixtures';

// One answer for a rental's counter terms (rentalTermsOf): the counter (deposit, late return, fuel) and
// the no-show sweep (deadline, fee) read the same terms, as booked or, for a rental booked before the
// counter came, the defaults on its own price without a no-show fee.
const PICKUP = '2030-03-10T10:00:00Z';
const rental = (patch: Partial<Reservation> = {}): Reservation =>
  pending({ status: 'Confirmed', pickupAt: PICKUP, returnAt: '2030-03-12T10:00:00Z', ...patch });

describe('a rental’s counter terms', () => {
  it('booked with terms: those, for the counter and the no-show alike', () => {
    const terms = termsFor(
      { ...DEFAULT_COUNTER_RULES, noShowAfterMinutes: 60, noShowFeeBp: 5_000 },
      'SEDAN',
      { currency: 'USD', dailyMinor: 4_500 },
      13_500,
    );
    const r = rental({ terms });
    expect(rentalTermsOf(r)).toBe(terms);
    expect(noShowMs(r)).toBe(Date.parse(PICKUP) + 60 * 60_000);
    expect(noShowRefund(r)).toEqual({ percent: 50, amountMinor: 6_750 });
  });

  it('booked before the counter came: the default rules on its own price, no no-show fee (a full refund), no taxes', () => {
    const r = rental();
    expect(rentalTermsOf(r)).toEqual({
      ...termsFor(DEFAULT_COUNTER_RULES, 'SEDAN', { currency: 'USD', dailyMinor: 4_500 }, 13_500),
      noShowFeeMinor: 0,
    });
    expect(rentalTermsOf(r)).toMatchObject({ depositMinor: DEFAULT_COUNTER_RULES.depositMinor, lateDailyMinor: 4_500 });
    expect(rentalTermsOf(r).taxes).toBeUndefined();
    expect(noShowMs(r)).toBe(Date.parse(PICKUP) + DEFAULT_COUNTER_RULES.noShowAfterMinutes * 60_000);
    expect(noShowRefund(r)).toEqual({ percent: 100, amountMinor: 13_500 });
  });
});
