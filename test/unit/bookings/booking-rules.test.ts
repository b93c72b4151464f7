import { carFixture } from '../../support/fixtures/car';
import { preferredWait } from '../../../lambdas/api/booking-schemas';
import { decideBooking } from '../../../lambdas/domain/bookings/decide';
import { cancelReservation, sweepReservations } from '../../../lambdas/domain/bookings/lifecycle';
import { addMaintenanceBlock } from '../../../lambdas/domain/bookings/maintenance';
import { changeKeeps, confirmedDueMs, refundFor, REMINDER_BEFORE_MS } from '../../../lambdas/domain/bookings/policy';
import type { BookingDeps, ReservationStore } from '../../../lambdas/domain/bookings/ports';
import { awaitDecision, requestBooking } from '../../../lambdas/domain/bookings/request';
import { holdsCar, type Reservation } from '../../../lambdas/domain/bookings/reservation';
import type { MaintenanceBlock } from '../../../lambdas/domain/fleet/availability';
import { dayInterval } from '../../../lambdas/domain/fleet/interval';
import type { StoredQuote } from '../../../lambdas/domain/quotes/quote';
import type { RentalSales } from '../../../lambdas/domain/quotes/sales';
import type { DriverProblem } from '../../../lambdas/domain/accounts/eligibility';
import { formatRentalTime } from '../../../lambdas/domain/rental-time';
import { ShiftedClock } from '../../../lambdas/shared/clock';
import type { AppError } from '../../../lambdas/shared/errors';
import { reservationFixture } from './reservation-fixture';

const NOW = Date.parse('2030-03-01T12:00:00Z');
const clockAt = (ms: number) => ({ now: () => new Date(ms) });

const reservation = (patch: Partial<Reservation> = {}): Reservation =>
  reservationFixture({ status: 'Confirmed', createdAt: new Date(NOW).toISOString(), updatedAt: new Date(NOW).toISOString(), ...patch });

const car = carFixture();

/** A store that records calls; each test overrides what it needs. */
const fakeStore = (patch: Partial<ReservationStore> = {}): ReservationStore & { calls: string[] } => {
  const calls: string[] = [];
  const record = (name: string, value: unknown) => async () => {
    calls.push(name);
    return value as never;
  };
  return {
    calls,
    create: async (r) => (calls.push('create'), { created: true, reservationId: r.reservationId }),
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
    unblock: record('unblock', true),
    earlierBlock: record('earlierBlock', undefined),
    claimPickup: record('claimPickup', true),
    releasePickup: record('releasePickup', undefined),
    startRental: record('startRental', true),
    claimReturn: record('claimReturn', true),
    finishRental: record('finishRental', true),
    noShow: record('noShow', true),
    ...patch,
  };
};

const deps = (patch: Partial<BookingDeps> = {}): BookingDeps => ({
  reservations: fakeStore(),
  cars: { get: async () => car },
  cache: { calendarChanging: async () => undefined, calendarChanged: async () => undefined },
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
    for (const status of ['Requested', 'Rejected', 'Expired', 'Cancelled', 'Completed'])
      expect(holdsCar({ status, holdExpiresAt: NOW + 1 }, NOW)).toBe(false);
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

  it('an admin cancelling for the customer refunds all of it, whenever it is: no late-cancellation penalty', () => {
    const r = reservation({ startDate: '2030-03-10', price: { currency: 'USD', dailyMinor: 3_333, days: 3, totalMinor: 9_999 } });
    for (const now of ['2030-03-08T00:00:00Z', '2030-03-09T23:59:59Z', '2030-03-10T00:00:00Z', '2030-03-11T12:00:00Z'])
      expect(refundFor(r, at(now), 'admin')).toEqual({ percent: 100, amountMinor: 9_999 });
    expect(refundFor(r, at('2030-03-09T23:59:59Z'), 'customer')).toEqual({ percent: 50, amountMinor: 4_999 });
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
    const store = fakeStore({
      get: async () => (++reads >= 2 ? reservation({ status: 'Pending' }) : reservation({ status: 'Requested' })),
    });
    const decided = await awaitDecision({ reservations: store }, reservation({ status: 'Requested' }), 5_000);
    expect(decided.status).toBe('Pending');
    expect(reads).toBe(2);
  });
});

describe('requestBooking', () => {
  const period = { startDate: '2030-03-10', endDate: '2030-03-13' };

  it('prices the stay from the car and snapshots it', async () => {
    const { reservation: r } = await requestBooking(deps(), { userId: 'u1', carId: 'c1', period });
    expect(r).toMatchObject({
      status: 'Requested',
      price: { dailyMinor: 5_000, days: 3, totalMinor: 15_000 },
      car: { make: 'Kia', location: 'BOS' },
    });
  });

  it("refuses a userId that is not the caller's, bad periods and unknown or removed cars", async () => {
    await expect(requestBooking(deps(), { userId: 'u1', claimedUserId: 'u2', carId: 'c1', period })).rejects.toMatchObject({
      kind: 'FORBIDDEN',
    });
    await expect(
      requestBooking(deps(), { userId: 'u1', carId: 'c1', period: { startDate: '2030-02-01', endDate: '2030-02-02' } }),
    ).rejects.toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'body.startDate' }] },
    });
    await expect(
      requestBooking(deps({ cars: { get: async () => undefined } }), { userId: 'u1', carId: 'c1', period }),
    ).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(
      requestBooking(deps({ cars: { get: async () => ({ ...car, status: 'removed' }) } }), { userId: 'u1', carId: 'c1', period }),
    ).rejects.toMatchObject({ kind: 'NOT_FOUND' });
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
    expect(
      await decideBooking(
        deps({ reservations: requested, locks: { acquire: async () => ({ release: async () => void released++ }) } }),
        'r1',
      ),
    ).toBe('held');
    expect(released).toBe(1);
  });

  it('rejects a car that moved away from where it was priced, without touching the days', async () => {
    const store = fakeStore({ get: async () => reservation({ status: 'Requested' }) });
    expect(await decideBooking(deps({ reservations: store, cars: { get: async () => ({ ...car, location: 'BNA' }) } }), 'r1')).toBe(
      'CAR_UNAVAILABLE',
    );
    expect(store.calls).toEqual(['reject']);
  });

  it('does nothing for a decided or unknown reservation (a redelivery)', async () => {
    for (const status of ['Pending', 'Confirmed', 'Rejected', 'Cancelled'] as const) {
      const store = fakeStore({ get: async () => reservation({ status, holdExpiresAt: NOW + 60_000 }) });
      const touched: string[] = [];
      const watched = deps({
        reservations: store,
        cars: { get: async () => (touched.push('car'), undefined) },
        cache: { calendarChanging: async () => void touched.push('cache'), calendarChanged: async () => void touched.push('cache') },
        locks: { acquire: async () => (touched.push('lock'), { release: async () => undefined }) },
        notifier: { publish: async () => void touched.push('notify') },
      });
      expect(await decideBooking(watched, 'r1')).toBe('alreadyDecided');
      // Read only (the read is the override above): no store write, no lock, no cache dropped, nothing told.
      expect(store.calls).toEqual([]);
      expect(touched).toEqual([]);
    }
    const store = fakeStore();
    expect(await decideBooking(deps({ reservations: store }), 'r1')).toBe('unknown');
    expect(store.calls).toEqual(['get']);
  });

  it('times the hold from the decision, not from the request: a late decision still gets the whole hold', async () => {
    const decidedAt = NOW + 7 * 60_000; // the request waited 7 minutes in the queue, longer than the hold
    const holds: number[] = [];
    const told: Reservation[] = [];
    const store = fakeStore({
      get: async () => reservation({ status: 'Requested' }),
      hold: async (_r, _car, { expiresAt }) => (holds.push(expiresAt), { kind: 'held' }),
    });
    const d = deps({ reservations: store, clock: clockAt(decidedAt), notifier: { publish: async (e) => void told.push(e.reservation) } });
    expect(await decideBooking(d, 'r1')).toBe('held');
    expect(holds).toEqual([decidedAt + d.holdMs]);
    expect(told.map((r) => r.holdExpiresAt)).toEqual([decidedAt + d.holdMs]);
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

  // Finding: an admin cancelling a customer's paid reservation a day before pick-up refunded half.
  describe('the refund of a paid reservation cancelled a day before pick-up (NOW is 2030-03-01, pick-up 03-02)', () => {
    const late = reservation({ userId: 'u1', startDate: '2030-03-02', endDate: '2030-03-04' });
    const cancel = async (actor: { userId: string; isAdmin: boolean }) => {
      const events: unknown[] = [];
      const store = fakeStore({ get: async () => late });
      const cancelled = await cancelReservation(
        deps({ reservations: store, notifier: { publish: async (e) => void events.push(e) } }),
        actor,
        'r1',
      );
      expect(events).toEqual([
        expect.objectContaining({ type: 'ReservationCancelled', reservation: expect.objectContaining({ refund: cancelled.refund }) }),
      ]);
      return cancelled.refund;
    };

    it('is in full when an admin cancels it for the customer', async () => {
      expect(await cancel({ userId: 'admin1', isAdmin: true })).toEqual({ percent: 100, amountMinor: 10_000 });
    });
    it('is half when the customer cancels, or an admin cancels their own booking', async () => {
      expect(await cancel({ userId: 'u1', isAdmin: false })).toEqual({ percent: 50, amountMinor: 5_000 });
      expect(await cancel({ userId: 'u1', isAdmin: true })).toEqual({ percent: 50, amountMinor: 5_000 });
    });
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
    const report = await sweepReservations(
      deps({ reservations: store, clock, queue: { send: async (m) => void sent.push(m.reservationId) } }),
    );
    expect(report).toEqual({ resent: 1, rejected: 1, expired: 1, reminded: 1, completed: 1, noShows: 0 });
    expect(sent).toEqual(['new-request']);
  });
});

describe('requestBooking: a repeat of the same request', () => {
  const period = { startDate: '2030-03-10', endDate: '2030-03-13' };
  type CreateCall = { reservationId: string; claimKeys: string[]; supersede?: string };

  /**
   * A store whose claims already name `existing`: `create` answers with the live claim (the
   * Idempotency-Key's when the request has one and `byKey`, else the user/car/dates one), until a call
   * supersedes that reservation, which then goes through.
   */
  const storeNaming = (existing: Reservation, opts: { byKey?: boolean; neverTakesOver?: boolean } = {}) => {
    const creates: CreateCall[] = [];
    const store = fakeStore({
      create: async (r, claims, _resendAt, { supersede }) => {
        creates.push({ reservationId: r.reservationId, claimKeys: claims.map((c) => c.key), supersede });
        if (supersede === existing.reservationId && !opts.neverTakesOver) return { created: true, reservationId: r.reservationId };
        const claim = opts.byKey ? claims.find((c) => c.key.startsWith('KEY#'))! : claims[0];
        return { created: false, reservationId: existing.reservationId, fingerprint: claim.fingerprint, key: claim.key };
      },
      get: async (id) => (id === existing.reservationId ? existing : undefined),
    });
    return { store, creates };
  };
  const sending = () => {
    const sent: string[] = [];
    return { sent, queue: { send: async (m: { reservationId: string }) => void sent.push(m.reservationId) } };
  };
  const old = (status: Reservation['status']) =>
    reservation({ reservationId: 'old', status, startDate: period.startDate, endDate: period.endDate });

  test.each(['Rejected', 'Cancelled', 'Expired'] as const)(
    'without an Idempotency-Key, after the earlier reservation ended (%s): a new reservation, superseding the old claim',
    async (status) => {
      const { store, creates } = storeNaming(old(status));
      const { sent, queue } = sending();
      const { reservation: r, replayed } = await requestBooking(deps({ reservations: store, queue }), {
        userId: 'u1',
        carId: 'c1',
        period,
      });
      expect(replayed).toBe(false);
      expect(r).toMatchObject({ reservationId: 'new-id', status: 'Requested' });
      expect(creates).toEqual([
        { reservationId: 'new-id', claimKeys: [expect.stringMatching(/^REQ#/)], supersede: undefined },
        { reservationId: 'new-id', claimKeys: [expect.stringMatching(/^REQ#/)], supersede: 'old' },
      ]);
      expect(sent).toEqual(['new-id']);
    },
  );

  test.each(['Requested', 'Pending', 'Confirmed'] as const)(
    'without an Idempotency-Key, while the earlier reservation is under way (%s): replayed, nothing created',
    async (status) => {
      const { store, creates } = storeNaming(old(status));
      const { sent, queue } = sending();
      const { reservation: r, replayed } = await requestBooking(deps({ reservations: store, queue }), {
        userId: 'u1',
        carId: 'c1',
        period,
      });
      expect(replayed).toBe(true);
      expect(r).toBe(await store.get('old'));
      expect(creates).toHaveLength(1);
      expect(creates[0].supersede).toBeUndefined();
      // Only an undecided request is sent again (its first message may have been lost; the queue deduplicates).
      expect(sent).toEqual(status === 'Requested' ? ['old'] : []);
    },
  );

  test.each(['Rejected', 'Cancelled', 'Expired', 'Requested', 'Pending'] as const)(
    'the same Idempotency-Key always replays, even an ended reservation (%s)',
    async (status) => {
      const { store, creates } = storeNaming(old(status), { byKey: true });
      const { sent, queue } = sending();
      const { reservation: r, replayed } = await requestBooking(deps({ reservations: store, queue }), {
        userId: 'u1',
        carId: 'c1',
        period,
        idempotencyKey: 'key-1',
      });
      expect(replayed).toBe(true);
      expect(r.reservationId).toBe('old');
      expect(r.status).toBe(status);
      expect(creates).toHaveLength(1);
      expect(creates[0]).toMatchObject({
        claimKeys: [expect.stringMatching(/^REQ#/), expect.stringMatching(/^KEY#/)],
        supersede: undefined,
      });
      expect(sent).toEqual(status === 'Requested' ? ['old'] : []);
    },
  );

  test('a new Idempotency-Key after an ended reservation for the same dates books anew', async () => {
    // The key's claim is free; the user/car/dates claim still names the cancelled reservation.
    const { store, creates } = storeNaming(old('Cancelled'));
    const { replayed, reservation: r } = await requestBooking(deps({ reservations: store }), {
      userId: 'u1',
      carId: 'c1',
      period,
      idempotencyKey: 'key-2',
    });
    expect(replayed).toBe(false);
    expect(r.reservationId).toBe('new-id');
    expect(creates.map((c) => c.supersede)).toEqual([undefined, 'old']);
  });

  test('the same key with other dates is refused (IDEMPOTENCY_MISMATCH, 422)', async () => {
    const store = fakeStore({ create: async () => ({ created: false, reservationId: 'old', fingerprint: 'other-request', key: 'KEY#x' }) });
    await expect(
      requestBooking(deps({ reservations: store }), { userId: 'u1', carId: 'c1', period, idempotencyKey: 'key-1' }),
    ).rejects.toMatchObject({
      kind: 'IDEMPOTENCY_MISMATCH',
    });
    expect(store.calls).not.toContain('get');
  });

  test('superseding is bounded: a claim that keeps naming the ended reservation is replayed, not retried forever', async () => {
    const { store, creates } = storeNaming(old('Cancelled'), { neverTakesOver: true });
    const { replayed, reservation: r } = await requestBooking(deps({ reservations: store }), { userId: 'u1', carId: 'c1', period });
    expect(replayed).toBe(true);
    expect(r.reservationId).toBe('old');
    expect(creates.length).toBeGreaterThan(1);
    expect(creates.length).toBeLessThanOrEqual(3);
  });
});

describe("addMaintenanceBlock: an admin's Idempotency-Key", () => {
  const period = { startDate: '2030-03-10', endDate: '2030-03-13' };

  /**
   * The car's calendar in memory, with its version, and the store's block transaction on it, all or
   * nothing: the block (conditional on the calendar the car was read at), and the admin's claim when
   * the request has a key. Each call yields first, so concurrent calls interleave as they would.
   */
  const blockingStore = () => {
    const calendar = new Map<string, MaintenanceBlock>();
    let version = 0;
    const claims = new Map<string, { blockId: string; fingerprint: string }>();
    const written: string[] = [];
    const store = fakeStore({
      block: async (seen, block, _now, claim) => {
        await new Promise((resolve) => setImmediate(resolve));
        const held = claim && claims.get(`${claim.owner}#${claim.key}`);
        if (held) return { blocked: false, claimed: { ...held, standing: calendar.has(held.blockId) } };
        if (seen.blocksVersion !== version) return { blocked: false, stale: true };
        calendar.set(block.id, block);
        version++;
        if (claim) claims.set(`${claim.owner}#${claim.key}`, { blockId: block.id, fingerprint: claim.fingerprint });
        written.push(block.id);
        return { blocked: true };
      },
      unblock: async (_car, block) => {
        calendar.delete(block.id);
        version++;
        return true;
      },
      earlierBlock: async (_carId, claim) => {
        const held = claims.get(`${claim.owner}#${claim.key}`);
        return held && { ...held, standing: calendar.has(held.blockId) };
      },
    });
    const cars = { get: async () => ({ ...car, blocks: [...calendar.values()], blocksVersion: version }) };
    return { store, written, cars };
  };
  const blockDeps = ({ store, cars }: ReturnType<typeof blockingStore>) => {
    let n = 0;
    return { ...deps({ reservations: store, cars, newId: () => `block-${++n}` }), upcoming: { upcoming: async () => [] } };
  };
  const admin = (adminId: string, idempotencyKey?: string) => ({ adminId, idempotencyKey });

  it('a retry with the same key and body answers with the same block, written once', async () => {
    const calendar = blockingStore();
    const { written } = calendar;
    const d = blockDeps(calendar);
    const first = await addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1', 'key-1'));
    const retry = await addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1', 'key-1'));
    expect(retry).toEqual(first);
    expect(first).toEqual({
      id: 'block-1',
      kind: 'maintenance',
      ...dayInterval(period),
      from: period.startDate,
      to: period.endDate,
      reason: 'Brakes',
    });
    expect(written).toEqual(['block-1']);
  });

  it('the same key with another body is refused (IDEMPOTENCY_MISMATCH); another admin has keys of their own', async () => {
    const calendar = blockingStore();
    const { written } = calendar;
    const d = blockDeps(calendar);
    await addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1', 'key-1'));
    for (const [days, reason] of [
      [period, 'Tyres'],
      [{ startDate: '2030-03-20', endDate: '2030-03-21' }, 'Brakes'],
    ] as const) {
      await expect(addMaintenanceBlock(d, 'c1', days, reason, admin('a1', 'key-1'))).rejects.toMatchObject({
        kind: 'IDEMPOTENCY_MISMATCH',
      });
    }
    const others = await addMaintenanceBlock(d, 'c1', { startDate: '2030-03-20', endDate: '2030-03-21' }, 'Brakes', admin('a2', 'key-1'));
    expect(written).toEqual(['block-1', others.id]);
  });

  it('concurrent requests with the same key make one block and all answer with it', async () => {
    const calendar = blockingStore();
    const { written } = calendar;
    const d = blockDeps(calendar);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1', 'key-1'))),
    );
    expect(written).toHaveLength(1);
    expect(new Set(answers.map((b) => b.id))).toEqual(new Set(written));
  });

  it('a retry after the block was removed is a 409 naming it, and blocks nothing again', async () => {
    const calendar = blockingStore();
    const { store, written } = calendar;
    const d = blockDeps(calendar);
    const first = await addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1', 'key-1'));
    await store.unblock(car, first, new Date(NOW));
    const err = await addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1', 'key-1')).catch((e: AppError) => e);
    expect(err).toMatchObject({ kind: 'CONFLICT', details: { blockId: first.id } });
    expect(written).toEqual([first.id]);
  });

  it('without a key, as before: a repeat finds its days taken (409)', async () => {
    const calendar = blockingStore();
    const { written } = calendar;
    const d = blockDeps(calendar);
    await addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1'));
    await expect(addMaintenanceBlock(d, 'c1', period, 'Brakes', admin('a1'))).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { reservations: [] },
    });
    expect(written).toEqual(['block-1']);
  });
});

describe('sweeper batches', () => {
  const lapsed = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => reservation({ reservationId: `${prefix}-${i}`, status: 'Pending', holdExpiresAt: NOW - 1 }));

  test('reads batch after batch until nothing new is due (100, then 30, then the same 30 again), then stops', async () => {
    const first = lapsed('a', 100);
    const second = lapsed('b', 30);
    const answers = [first, second, second];
    const limits: number[] = [];
    const expired: string[] = [];
    const store = fakeStore({
      due: async (at, limit) => {
        if (at.getTime() > NOW) return []; // the minute-ahead look for lapsed holds (its own test below)
        limits.push(limit);
        // A fourth read would hand out new work: the sweeper must not get that far.
        return answers[limits.length - 1] ?? lapsed('c', 100);
      },
      expire: async (r) => {
        expired.push(r.reservationId);
        return true;
      },
    });
    const report = await sweepReservations(deps({ reservations: store }));
    expect(limits).toEqual([100, 100, 100]);
    expect(report).toEqual({ resent: 0, rejected: 0, expired: 130, reminded: 0, completed: 0, noShows: 0 });
    // Each reservation moved on once, though the last read returned 30 of them again.
    expect(expired).toHaveLength(130);
    expect(new Set(expired).size).toBe(130);
  });

  test('an empty due index is one read', async () => {
    let reads = 0;
    const store = fakeStore({ due: async (at) => (at.getTime() > NOW ? [] : (reads++, [])) });
    expect(await sweepReservations(deps({ reservations: store }))).toEqual({
      resent: 0,
      rejected: 0,
      expired: 0,
      reminded: 0,
      completed: 0,
      noShows: 0,
    });
    expect(reads).toBe(1);
  });

  test('a due index that never runs dry is read a bounded number of times per run', async () => {
    let reads = 0;
    const store = fakeStore({ due: async (at) => (at.getTime() > NOW ? [] : lapsed(`r${reads++}`, 100)) });
    await sweepReservations(deps({ reservations: store }));
    expect(reads).toBeGreaterThan(1);
    expect(reads).toBeLessThanOrEqual(10);
  });
});

describe('sweeper: holds that lapsed before their first look', () => {
  test('are read a minute ahead and expired now; nothing else read ahead is touched', async () => {
    const lapsedHold = reservation({ reservationId: 'lapsed', status: 'Pending', holdExpiresAt: NOW - 1 });
    const liveHold = reservation({ reservationId: 'live', status: 'Pending', holdExpiresAt: NOW + 30_000 });
    const request = reservation({ reservationId: 'req', status: 'Requested' });
    const reads: number[] = [];
    const touched: string[] = [];
    const store = fakeStore({
      due: async (at) => (reads.push(at.getTime()), at.getTime() > NOW ? [lapsedHold, liveHold, request] : []),
      expire: async (r) => (touched.push(`expire ${r.reservationId}`), true),
      postpone: async (r) => void touched.push(`postpone ${r.reservationId}`),
    });
    const report = await sweepReservations(
      deps({ reservations: store, queue: { send: async (m) => void touched.push(`send ${m.reservationId}`) } }),
    );
    expect(reads).toEqual([NOW, NOW + 60_000]);
    expect(touched).toEqual(['expire lapsed']);
    expect(report.expired).toBe(1);
  });
});

describe('requestBooking: a quote (v2)', () => {
  const zone = 'America/New_York'; // BOS, the car fixture's location
  const quote = (patch: Partial<StoredQuote> = {}): StoredQuote => ({
    quoteId: 'q1',
    userId: 'u1',
    carId: 'c1',
    location: 'BOS',
    pickupAt: formatRentalTime(Date.parse('2030-03-20T14:00:00Z'), zone),
    returnAt: formatRentalTime(Date.parse('2030-03-22T14:00:00Z'), zone),
    extras: [{ code: 'CHILD_SEAT', quantity: 1, stocked: true }],
    currency: 'USD',
    lines: [
      { code: 'BASE', label: 'Rental, 2 days', quantity: 2, unitMinor: 5_000, amountMinor: 10_000 },
      { code: 'EXTRA:CHILD_SEAT', label: 'Child seat', quantity: 1, unitMinor: 1_500, amountMinor: 1_500 },
      { code: 'TAX:SALES', label: 'Sales tax', quantity: 1, unitMinor: 1_035, amountMinor: 1_035 },
    ],
    subtotalMinor: 11_500,
    taxTotalMinor: 1_035,
    totalMinor: 12_535,
    createdAt: new Date(NOW).toISOString(),
    expiresAt: new Date(NOW + 15 * 60_000).toISOString(),
    ...patch,
  });
  /** The sales port: an eligible driver of no known age, unless a test says otherwise. */
  const sales = (patch: Partial<RentalSales> = {}): RentalSales => ({
    price: async () => quote(),
    requote: async () => quote({ quoteId: 'fresh' }),
    driver: async () => ({ problems: [], youngDriver: false }),
    ...patch,
  });
  const withQuotes = (q: StoredQuote, patch: Partial<BookingDeps> = {}) =>
    deps({ quotes: { get: async (id) => (id === q.quoteId ? q : undefined) }, ...patch });

  it("books the quote's car, times and extras at its total, keeping its lines", async () => {
    const { reservation: r } = await requestBooking(withQuotes(quote()), { userId: 'u1', quoteId: 'q1' });
    expect(r).toMatchObject({
      status: 'Requested',
      carId: 'c1',
      quoteId: 'q1',
      pickupAt: quote().pickupAt,
      returnAt: quote().returnAt,
      price: { currency: 'USD', days: 2, totalMinor: 12_535 },
      extras: [{ code: 'CHILD_SEAT', quantity: 1, stocked: true }],
    });
    expect(r.lines?.reduce((n, l) => n + l.amountMinor, 0)).toBe(12_535);
  });

  it("another customer's quote is not found; an anonymous quote is anyone's", async () => {
    await expect(requestBooking(withQuotes(quote()), { userId: 'u2', quoteId: 'q1' })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(requestBooking(withQuotes(quote()), { userId: 'u1', quoteId: 'other' })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    const anonymous = quote({ userId: undefined });
    expect((await requestBooking(withQuotes(anonymous), { userId: 'u2', quoteId: 'q1' })).reservation.quoteId).toBe('q1');
  });

  it('a lapsed quote is a 409 QUOTE_EXPIRED telling the price of a fresh one', async () => {
    const lapsed = quote({ expiresAt: new Date(NOW).toISOString() });
    const fresh = quote({ quoteId: 'q2', totalMinor: 13_000, expiresAt: new Date(NOW + 15 * 60_000).toISOString() });
    const d = withQuotes(lapsed, { sales: sales({ requote: async () => fresh }) });
    await expect(requestBooking(d, { userId: 'u1', quoteId: 'q1' })).rejects.toMatchObject({
      kind: 'CONFLICT',
      code: 'QUOTE_EXPIRED',
      details: { quoteId: 'q1', freshQuote: { quoteId: 'q2', currency: 'USD', total: 130 } },
    });
  });

  it('a driver the profile shows cannot drive it is a 422 naming each rule (and nothing is written)', async () => {
    const created = jest.fn();
    const problems: DriverProblem[] = [
      { field: 'dateOfBirth', rule: 'DRIVER_UNDER_MINIMUM_AGE', message: 'Too young.' },
      { field: 'licence.expiresOn', rule: 'LICENCE_EXPIRES_BEFORE_RETURN', message: 'Licence expires.' },
    ];
    const d = withQuotes(quote(), {
      sales: sales({ driver: async () => ({ problems, youngDriver: true }) }),
      reservations: fakeStore({ create: created }),
    });
    await expect(requestBooking(d, { userId: 'u1', quoteId: 'q1' })).rejects.toMatchObject({
      kind: 'UNPROCESSABLE',
      code: 'DRIVER_UNDER_MINIMUM_AGE',
      details: { fields: problems.map(({ field, rule }) => expect.objectContaining({ field, rule })) },
    });
    expect(created).not.toHaveBeenCalled();
  });

  it('an anonymous quote sells at its price unless the booker’s age prices it otherwise (409 QUOTE_DRIVER_MISMATCH)', async () => {
    const youngLine = { code: 'YOUNG_DRIVER', label: 'Young driver', quantity: 2, unitMinor: 2_500, amountMinor: 5_000 };
    const plain = quote({ userId: undefined });
    const young = quote({ userId: undefined, driverAge: 22, lines: [...quote().lines, youngLine], totalMinor: 17_535 });
    const booking = (q: StoredQuote, youngDriver: boolean) =>
      requestBooking(withQuotes(q, { sales: sales({ driver: async () => ({ problems: [], youngDriver }) }) }), {
        userId: 'u2',
        quoteId: 'q1',
      });
    expect((await booking(plain, false)).reservation.price.totalMinor).toBe(12_535);
    expect((await booking(young, true)).reservation.price.totalMinor).toBe(17_535);
    await expect(booking(plain, true)).rejects.toMatchObject({ code: 'QUOTE_DRIVER_MISMATCH' });
    await expect(booking(young, false)).rejects.toMatchObject({ code: 'QUOTE_DRIVER_MISMATCH' });
  });

  it('a quote in another currency books in it: the reservation is charged in that currency', async () => {
    const yen = quote({
      currency: 'JPY',
      lines: [{ code: 'BASE', label: '2 days', quantity: 2, unitMinor: 9_000, amountMinor: 18_000 }],
      subtotalMinor: 18_000,
      taxTotalMinor: 0,
      totalMinor: 18_000,
    });
    const { reservation } = await requestBooking(withQuotes(yen, { sales: sales() }), { userId: 'u1', quoteId: 'q1' });
    expect(reservation.price).toEqual({ currency: 'JPY', dailyMinor: 9_000, days: 2, totalMinor: 18_000 });
  });

  it('v2 by times is priced as a quote would be (its lines kept, no quote id), for the caller', async () => {
    const priced = jest.fn(async () => ({ ...quote(), quoteId: undefined, expiresAt: undefined }));
    const d = deps({ sales: sales({ price: priced }) });
    const times = { pickupAt: quote().pickupAt, returnAt: quote().returnAt };
    const { reservation } = await requestBooking(d, { userId: 'u1', carId: 'c1', times });
    expect(priced).toHaveBeenCalledWith('u1', { carId: 'c1', ...times }, { pickupKept: false });
    expect(reservation).toMatchObject({ price: { currency: 'USD', totalMinor: 12_535 }, lines: quote().lines });
    expect(reservation.quoteId).toBeUndefined();
  });

  it('the same quote twice names the same request (its claim is the quote)', async () => {
    const keys: string[][] = [];
    const store = fakeStore({
      create: async (r, claims) => (keys.push(claims.map((c) => c.key)), { created: true, reservationId: r.reservationId }),
    });
    await requestBooking(withQuotes(quote(), { reservations: store }), { userId: 'u1', quoteId: 'q1' });
    await requestBooking(withQuotes(quote(), { reservations: store }), { userId: 'u1', quoteId: 'q1' });
    expect(keys[0]).toEqual(keys[1]);
  });
});

describe('changeKeeps: a change within the cancellation window keeps what a cancel then would, and locks it in', () => {
  const booked = {
    startDate: '2030-03-10',
    pickupAt: '2030-03-10T10:00:00Z',
    price: { currency: 'USD', dailyMinor: 10_000, days: 2, totalMinor: 20_000 },
  };
  const at = (iso: string) => new Date(iso);
  it('nothing 48 hours or more ahead; within them half the price is locked, and the price never falls below it', () => {
    expect(changeKeeps(booked, 5_000, at('2030-03-08T10:00:00Z'), 'customer')).toEqual({ keptMinor: 0, feeMinor: 0 });
    expect(changeKeeps(booked, 15_000, at('2030-03-08T10:00:01Z'), 'customer')).toEqual({ keptMinor: 10_000, feeMinor: 0 });
    expect(changeKeeps(booked, 4_000, at('2030-03-09T10:00:00Z'), 'customer')).toEqual({ keptMinor: 10_000, feeMinor: 6_000 });
    // Once the car is out, all of the price as it stands.
    expect(changeKeeps(booked, 15_000, at('2030-03-10T11:00:00Z'), 'customer')).toEqual({ keptMinor: 20_000, feeMinor: 5_000 });
    expect(changeKeeps(booked, 25_000, at('2030-03-10T11:00:00Z'), 'customer')).toEqual({ keptMinor: 20_000, feeMinor: 0 });
    // An admin locks nothing new; what an earlier change locked stays.
    expect(changeKeeps(booked, 4_000, at('2030-03-10T11:00:00Z'), 'admin')).toEqual({ keptMinor: 0, feeMinor: 0 });
    expect(changeKeeps({ ...booked, keptMinor: 7_000 }, 4_000, at('2030-03-01T00:00:00Z'), 'customer')).toEqual({
      keptMinor: 7_000,
      feeMinor: 3_000,
    });
  });
  it('a cancel never gives back what a change locked in; an admin’s gives back all', () => {
    const locked = { ...booked, keptMinor: 10_000 };
    expect(refundFor(locked, at('2030-03-01T00:00:00Z'))).toEqual({ percent: 100, amountMinor: 10_000 });
    expect(refundFor(locked, at('2030-03-01T00:00:00Z'), 'admin')).toEqual({ percent: 100, amountMinor: 20_000 });
  });
});
