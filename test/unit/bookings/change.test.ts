import { changeReservation, type ChangeDeps, type ChangeMoney } from '../../../lambdas/domain/bookings/change';
import type { ChangeClaim, ChangeStore } from '../../../lambdas/domain/bookings/ports';
import type { PendingChange, Reservation } from '../../../lambdas/domain/bookings/reservation';
import type { PricedRental } from '../../../lambdas/domain/quotes/quote';
import { AppError, conflict } from '../../../lambdas/shared/errors';
import { carFixture } from '../../support/fixtures/car';
import { reservationFixture } from './reservation-fixture';

// The change use case (bookings/change.ts) on fakes: the order of its steps, and what a failure at each
// step leaves, deterministic where the e2e races can only sample (changes.clock, changes-retries).

const NOW = new Date('2030-03-01T12:00:00Z');
const booked = (patch: Partial<Reservation> = {}): Reservation =>
  reservationFixture({
    status: 'Confirmed',
    pickupAt: '2030-03-10T10:00:00-04:00',
    returnAt: '2030-03-12T10:00:00-04:00',
    readyAt: '2030-03-12T11:00:00-04:00',
    lines: [],
    createdAt: '2030-02-01T00:00:00.000Z',
    updatedAt: '2030-02-01T00:00:00.000Z',
    ...patch,
  });

/** A rental priced at `totalMinor` (one BASE line), as the sales rules would answer. */
const priced = (totalMinor: number) =>
  ({
    currency: 'USD',
    lines: [{ code: 'BASE', label: 'Base', quantity: 1, unitMinor: totalMinor, amountMinor: totalMinor }],
    totalMinor,
    extras: [],
  }) as unknown as PricedRental;

const setup = (
  r: Reservation,
  options: { totalMinor: number; commits?: boolean; landedElsewhere?: boolean; charge?: () => Promise<never> },
) => {
  const calls: string[] = [];
  let claimed: PendingChange | undefined;
  const reservations = {
    get: async () => (options.landedElsewhere && claimed ? { ...r, changeIds: [claimed.changeId] } : r),
    claimChange: async (_r: Reservation, change: PendingChange): Promise<ChangeClaim> => {
      calls.push('claim');
      claimed = change;
      return { kind: 'claimed' };
    },
    commitChange: async () => (calls.push('commit'), options.commits ?? true),
    releaseChange: async () => void calls.push('release'),
  } as unknown as ChangeStore;
  const money: ChangeMoney = {
    charge: options.charge ?? (async () => (calls.push('charge'), { chargedMinor: options.totalMinor - r.price.totalMinor })),
    refund: async () => (calls.push('refund'), { refundedMinor: 0 }),
    undo: async () => void calls.push('undo'),
  };
  const deps: ChangeDeps = {
    reservations,
    cars: { get: async () => carFixture({ carId: r.carId, location: 'BOS' }) },
    cache: { calendarChanging: async () => undefined, calendarChanged: async () => undefined },
    notifier: { publish: async (e) => void calls.push(`tell ${e.type}`) },
    clock: { now: () => NOW },
    sales: {
      price: async () => priced(options.totalMinor),
      requote: async () => {
        throw new Error('not here');
      },
      driver: async () => ({ problems: [], youngDriver: false }),
    },
    money,
  };
  return { deps, calls };
};

const owner = { userId: 'u1', isAdmin: false };
const CARD = { paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } };

describe('changeReservation', () => {
  it('a higher price: claimed, charged, landed, released, told, in that order', async () => {
    const { deps, calls } = setup(booked(), { totalMinor: 15_000 });
    const outcome = await changeReservation(deps, owner, 'r1', { returnAt: '2030-03-13T10:00', payment: CARD });
    expect(calls).toEqual(['claim', 'charge', 'commit', 'release', 'tell ReservationChanged']);
    expect(outcome).toMatchObject({ unchanged: false, chargedMinor: 5_000, refundedMinor: 0 });
    expect(outcome.reservation).toMatchObject({ returnAt: '2030-03-13T10:00:00-04:00', price: { totalMinor: 15_000 } });
  });

  it('a lower price: landed first, then refunded', async () => {
    const { deps, calls } = setup(booked(), { totalMinor: 5_000 });
    await changeReservation(deps, owner, 'r1', { returnAt: '2030-03-11T10:00' });
    expect(calls).toEqual(['claim', 'commit', 'refund', 'release', 'tell ReservationChanged']);
  });

  it('a commit that fails because the same change landed in another attempt: done, its payment kept', async () => {
    const { deps, calls } = setup(booked(), { totalMinor: 15_000, commits: false, landedElsewhere: true });
    const outcome = await changeReservation(deps, owner, 'r1', { returnAt: '2030-03-13T10:00', payment: CARD });
    expect(calls).not.toContain('undo');
    expect(outcome.unchanged).toBe(false);
  });

  it('a commit that fails otherwise (the claim taken over): the payment given back, 409', async () => {
    const { deps, calls } = setup(booked(), { totalMinor: 15_000, commits: false });
    await expect(changeReservation(deps, owner, 'r1', { returnAt: '2030-03-13T10:00', payment: CARD })).rejects.toMatchObject({
      code: 'CHANGE_IN_PROGRESS',
    });
    expect(calls).toEqual(['claim', 'charge', 'commit', 'undo']);
  });

  it('a declined card releases the claim; a payment under way in another attempt does not', async () => {
    const declined = setup(booked(), {
      totalMinor: 15_000,
      charge: async () => {
        throw new AppError('PAYMENT_DECLINED', 'declined');
      },
    });
    await expect(changeReservation(declined.deps, owner, 'r1', { returnAt: '2030-03-13T10:00', payment: CARD })).rejects.toMatchObject({
      kind: 'PAYMENT_DECLINED',
    });
    expect(declined.calls).toEqual(['claim', 'release']);
    const inFlight = setup(booked(), {
      totalMinor: 15_000,
      charge: async () => {
        throw conflict('The payment of this change is in progress; retry in a moment.');
      },
    });
    await expect(changeReservation(inFlight.deps, owner, 'r1', { returnAt: '2030-03-13T10:00', payment: CARD })).rejects.toMatchObject({
      kind: 'CONFLICT',
    });
    expect(inFlight.calls).toEqual(['claim']);
  });

  it('out with the customer: only later, and nothing claimed for an earlier return', async () => {
    const { deps, calls } = setup(booked({ status: 'Active' }), { totalMinor: 5_000 });
    await expect(changeReservation(deps, owner, 'r1', { returnAt: '2030-03-11T10:00' })).rejects.toMatchObject({
      code: 'EXTENSION_ONLY',
    });
    await expect(changeReservation(deps, owner, 'r1', { pickupAt: '2030-03-10T12:00' })).rejects.toMatchObject({ code: 'RENTAL_STARTED' });
    expect(calls).toEqual([]);
  });

  it('the same terms again change nothing; someone else’s reservation is not found', async () => {
    const { deps, calls } = setup(booked(), { totalMinor: 10_000 });
    await expect(changeReservation(deps, owner, 'r1', { returnAt: '2030-03-12T10:00' })).resolves.toMatchObject({ unchanged: true });
    await expect(changeReservation(deps, { userId: 'u2', isAdmin: false }, 'r1', { returnAt: '2030-03-13T10:00' })).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
    expect(calls).toEqual([]);
  });
});
