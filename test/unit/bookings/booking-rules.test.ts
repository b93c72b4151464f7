import { preferredWait } from '../../../lambdas/api/booking-schemas';
import { decideBooking } from '../../../lambdas/domain/bookings/decide';
import { cancelReservation, sweepReservations } from '../../../lambdas/domain/bookings/lifecycle';
import { confirmedDueMs, refundFor, REMINDER_BEFORE_MS } from '../../../lambdas/domain/bookings/policy';
import type { BookingDeps, ReservationStore } from '../../../lambdas/domain/bookings/ports';
import { awaitDecision, requestBooking } from '../../../lambdas/domain/bookings/request';
import { holdsCar, type Reservation } from '../../../lambdas/domain/bookings/reservation';
import type { Car } from '../../../lambdas/domain/fleet/car';
import { ShiftedClock } from '../../../lambdas/shared/clock';

const NOW = Date.parse('2030-03-01T12:00:00Z');
const clockAt = (ms: number) => ({ now: () => new Date(ms) });

const reservation = (patch: Partial<Reservation> = {}): Reservation => ({
  reservationId: 'r1',
  userId: 'u1',
  carId: 'c1',
  startDate: '2030-03-10',
  endDate: '2030-03-12',
  status: 'Confirmed',
  price: { currency: 'USD', dailyMinor: 5_000, days: 2, totalMinor: 10_000 },
  car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
  createdAt: new Date(NOW).toISOString(),
  updatedAt: new Date(NOW).toISOString(),
  ...patch,
});

const car: Car = {
  carId: 'c1', make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS', pricePerDayMinor: 5_000,
  status: 'active', blocks: [], blocksVersion: 0, ratingCount: 0, ratingTotal: 0, createdAt: '', updatedAt: '',
};

/** A store that records calls; each test overrides what it needs. */
const fakeStore = (patch: Partial<ReservationStore> = {}): ReservationStore & { calls: string[] } => {
  const calls: string[] = [];
  const record = (name: string, value: unknown) => async () => {
    calls.push(name);
    return value as never;
  };
  return {
    calls,
    create: record('create', { created: true }),
    discard: record('discard', undefined),
    get: record('get', undefined),
    hold: record('hold', { kind: 'held' }),
    reject: record('reject', true),
    confirm: record('confirm', true),
    cancel: record('cancel', true),
    expire: record('expire', true),
    complete: record('complete', true),
    reminded: record('reminded', undefined),
    postpone: record('postpone', undefined),
    due: record('due', []),
    listByUser: record('listByUser', { items: [] }),
    listByCar: record('listByCar', { items: [] }),
    block: record('block', true),
    unblock: record('unblock', undefined),
    ...patch,
  };
};

const deps = (patch: Partial<BookingDeps> = {}): BookingDeps => ({
  reservations: fakeStore(),
  cars: { get: async () => car },
  cache: { invalidateLocation: async () => undefined },
  queue: { send: async () => undefined },
  locks: { acquire: async () => ({ release: async () => undefined }) },
  notifier: { publish: async () => undefined },
  clock: clockAt(NOW),
  newId: () => 'new-id',
  holdMs: 300_000,
  ...patch,
});

describe('the holding rule', () => {
  it('holds for Confirmed, and for Pending only while the hold is live', () => {
    expect(holdsCar({ status: 'Confirmed' }, NOW)).toBe(true);
    expect(holdsCar({ status: 'Pending', holdExpiresAt: NOW + 1 }, NOW)).toBe(true);
    expect(holdsCar({ status: 'Pending', holdExpiresAt: NOW }, NOW)).toBe(false);
    expect(holdsCar({ status: 'Pending' }, NOW)).toBe(false);
    for (const status of ['Requested', 'Rejected', 'Expired', 'Cancelled', 'Completed']) expect(holdsCar({ status, holdExpiresAt: NOW + 1 }, NOW)).toBe(false);
  });
});

describe('refund policy', () => {
  const at = (iso: string) => new Date(iso);
  it('refunds all 48 hours or more before pick-up, half after that, nothing once started', () => {
    const r = reservation({ startDate: '2030-03-10', price: { currency: 'USD', dailyMinor: 3_333, days: 3, totalMinor: 9_999 } });
    expect(refundFor(r, at('2030-03-08T00:00:00Z'))).toEqual({ percent: 100, amountMinor: 9_999 });
    expect(refundFor(r, at('2030-03-08T00:00:01Z'))).toEqual({ percent: 50, amountMinor: 4_999 });
    expect(refundFor(r, at('2030-03-09T23:59:59Z'))).toEqual({ percent: 50, amountMinor: 4_999 });
    expect(refundFor(r, at('2030-03-10T00:00:00Z'))).toEqual({ percent: 0, amountMinor: 0 });
  });

  it('looks again at a Confirmed reservation for its reminder, then at its return day', () => {
    const r = reservation();
    expect(confirmedDueMs(r)).toBe(Date.parse('2030-03-10T00:00:00Z') - REMINDER_BEFORE_MS);
    expect(confirmedDueMs({ ...r, remindedAt: 'x' })).toBe(Date.parse('2030-03-12T00:00:00Z'));
  });
});

describe('Prefer: wait=N', () => {
  it('reads wait among other preferences and caps it at 10 seconds', () => {
    expect(preferredWait(undefined)).toBe(0);
    expect(preferredWait('wait=3')).toBe(3);
    expect(preferredWait('respond-async, wait=7')).toBe(7);
    expect(preferredWait('wait=100')).toBe(10);
    expect(preferredWait('handling=strict')).toBe(0);
    expect(preferredWait('nowait=5')).toBe(0);
  });

  it('stops waiting once the reservation is decided', async () => {
    let reads = 0;
    const store = fakeStore({ get: async () => (++reads >= 2 ? reservation({ status: 'Pending' }) : reservation({ status: 'Requested' })) });
    const decided = await awaitDecision({ reservations: store }, reservation({ status: 'Requested' }), 5_000);
    expect(decided.status).toBe('Pending');
    expect(reads).toBe(2);
  });
});

describe('requestBooking', () => {
  const period = { startDate: '2030-03-10', endDate: '2030-03-13' };

  it('prices the stay from the car and snapshots it', async () => {
    const { reservation: r } = await requestBooking(deps(), { userId: 'u1', carId: 'c1', period });
    expect(r).toMatchObject({ status: 'Requested', price: { dailyMinor: 5_000, days: 3, totalMinor: 15_000 }, car: { make: 'Kia', location: 'BOS' } });
  });

  it("refuses a userId that is not the caller's, bad periods and unknown or removed cars", async () => {
    await expect(requestBooking(deps(), { userId: 'u1', claimedUserId: 'u2', carId: 'c1', period })).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    await expect(requestBooking(deps(), { userId: 'u1', carId: 'c1', period: { startDate: '2030-02-01', endDate: '2030-02-02' } })).rejects.toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'body.startDate' }] },
    });
    await expect(requestBooking(deps({ cars: { get: async () => undefined } }), { userId: 'u1', carId: 'c1', period })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(requestBooking(deps({ cars: { get: async () => ({ ...car, status: 'removed' }) } }), { userId: 'u1', carId: 'c1', period })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('undoes the write when the message cannot be sent, and rethrows', async () => {
    const store = fakeStore();
    const failing = deps({ reservations: store, queue: { send: async () => Promise.reject(new Error('ECONNREFUSED')) } });
    await expect(requestBooking(failing, { userId: 'u1', carId: 'c1', period })).rejects.toThrow('ECONNREFUSED');
    expect(store.calls).toEqual(['create', 'discard']);
  });
});

describe('decideBooking', () => {
  it('decides without Redis when it is down, and releases a lock it took', async () => {
    let released = 0;
    const requested = fakeStore({ get: async () => reservation({ status: 'Requested' }) });
    expect(await decideBooking(deps({ reservations: requested, locks: { acquire: async () => 'unavailable' } }), 'r1')).toBe('held');
    expect(await decideBooking(deps({ reservations: requested, locks: { acquire: async () => ({ release: async () => void released++ }) } }), 'r1')).toBe('held');
    expect(released).toBe(1);
  });

  it('rejects a car that moved away from where it was priced, without touching the days', async () => {
    const store = fakeStore({ get: async () => reservation({ status: 'Requested' }) });
    expect(await decideBooking(deps({ reservations: store, cars: { get: async () => ({ ...car, location: 'BNA' }) } }), 'r1')).toBe('CAR_UNAVAILABLE');
    expect(store.calls).toEqual(['reject']);
  });

  it('does nothing for a decided or unknown reservation (a redelivery)', async () => {
    expect(await decideBooking(deps({ reservations: fakeStore({ get: async () => reservation({ status: 'Pending' }) }) }), 'r1')).toBe('alreadyDecided');
    expect(await decideBooking(deps(), 'r1')).toBe('unknown');
  });
});

describe('cancel and sweep', () => {
  it('a Pending reservation whose hold lapsed is expired, not cancelled (409 Expired)', async () => {
    const store = fakeStore({ get: async () => reservation({ status: 'Pending', holdExpiresAt: NOW - 1 }) });
    await expect(cancelReservation(deps({ reservations: store }), { userId: 'u1', isAdmin: false }, 'r1')).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { status: 'Expired' },
    });
    expect(store.calls).toContain('expire');
  });

  it('moves each due reservation on by its status', async () => {
    const clock = new ShiftedClock();
    const now = clock.now().getTime();
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
    const due = [
      reservation({ reservationId: 'old-request', status: 'Requested', createdAt: new Date(now - 20 * 60_000).toISOString() }),
      reservation({ reservationId: 'new-request', status: 'Requested', createdAt: new Date(now - 2 * 60_000).toISOString() }),
      reservation({ reservationId: 'lapsed', status: 'Pending', holdExpiresAt: now - 1 }),
      reservation({ reservationId: 'tomorrow', status: 'Confirmed', startDate: day(0.5), endDate: day(3) }),
      reservation({ reservationId: 'returned', status: 'Confirmed', startDate: day(-3), endDate: day(-1), remindedAt: 'x' }),
    ];
    const store = fakeStore({ due: async () => due });
    const sent: string[] = [];
    const report = await sweepReservations(deps({ reservations: store, clock, queue: { send: async (m) => void sent.push(m.reservationId) } }));
    expect(report).toEqual({ resent: 1, rejected: 1, expired: 1, reminded: 1, completed: 1 });
    expect(sent).toEqual(['new-request']);
  });
});
