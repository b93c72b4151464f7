import fc from 'fast-check';
import { RESERVATION_STATUSES, type Reservation, type ReservationStatus } from '../../../lambdas/domain/bookings/reservation';
import { applyFeedbackChange, type FeedbackChange } from '../../../lambdas/domain/feedback/aggregate';
import {
  contributionOf,
  feedbackStateOf,
  firstNameOf,
  rentalIsOver,
  type Feedback,
  type Moderation,
} from '../../../lambdas/domain/feedback/feedback';
import { moderateFeedback } from '../../../lambdas/domain/feedback/moderation';
import type { AggregatorDeps, AppliedMark, FeedbackStore, RatingLedger } from '../../../lambdas/domain/feedback/ports';
import { addTotals, deltaOf, emptyTotals, isZero, totalsOf, type RatingTotals } from '../../../lambdas/domain/feedback/ratings';
import { submitFeedback } from '../../../lambdas/domain/feedback/submit';
import { AppError } from '../../../lambdas/shared/errors';
import { reservationFixture } from '../bookings/reservation-fixture';

const NOW = new Date('2030-03-12T12:00:00Z'); // "today" is 2030-03-12

const reservation = (patch: Partial<Reservation> = {}): Reservation =>
  reservationFixture({ status: 'Completed', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), ...patch });

const kindOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.kind;
    throw err;
  }
};

describe('feedback rules', () => {
  it('feedbackStateOf: given whenever feedbackId is set, whatever the status', () => {
    for (const status of RESERVATION_STATUSES) expect(feedbackStateOf(reservation({ status, feedbackId: 'f1' }), NOW)).toBe('given');
  });

  it('feedbackStateOf: open / notYet / never for every status', () => {
    const expected: Record<ReservationStatus, string> = {
      Requested: 'notYet',
      Pending: 'notYet',
      Confirmed: 'open', // endDate is today
      Active: 'notYet',
      Completed: 'open',
      Rejected: 'never',
      Expired: 'never',
      Cancelled: 'never',
      NoShow: 'never',
    };
    for (const status of RESERVATION_STATUSES)
      expect([status, feedbackStateOf(reservation({ status }), NOW)]).toEqual([status, expected[status]]);
    // Completed is open even with a return day in the future (completed early by hand).
    expect(feedbackStateOf(reservation({ status: 'Completed', endDate: '2031-01-01' }), NOW)).toBe('open');
    // Requested/Pending stay notYet even with a past return day.
    expect(feedbackStateOf(reservation({ status: 'Pending', endDate: '2020-01-01' }), NOW)).toBe('notYet');
  });

  it('feedbackStateOf: Confirmed before its return day is notYet, on and after it open', () => {
    expect(feedbackStateOf(reservation({ status: 'Confirmed', endDate: '2030-03-13' }), NOW)).toBe('notYet');
    expect(feedbackStateOf(reservation({ status: 'Confirmed', endDate: '2030-03-12' }), NOW)).toBe('open');
    expect(feedbackStateOf(reservation({ status: 'Confirmed', endDate: '2030-03-11' }), NOW)).toBe('open');
    // Day boundary is UTC.
    expect(feedbackStateOf(reservation({ status: 'Confirmed', endDate: '2030-03-13' }), new Date('2030-03-12T23:59:59Z'))).toBe('notYet');
    expect(feedbackStateOf(reservation({ status: 'Confirmed', endDate: '2030-03-13' }), new Date('2030-03-13T00:00:00Z'))).toBe('open');
  });

  it('rentalIsOver: Completed, or Confirmed on/after the return day; nothing else', () => {
    for (const status of RESERVATION_STATUSES) {
      expect([status, rentalIsOver({ status, endDate: '2030-03-01' }, NOW)]).toEqual([
        status,
        status === 'Completed' || status === 'Confirmed',
      ]);
    }
    expect(rentalIsOver({ status: 'Confirmed', endDate: '2030-03-13' }, NOW)).toBe(false);
    expect(rentalIsOver({ status: 'Completed', endDate: '2030-03-13' }, NOW)).toBe(true);
  });

  it('firstNameOf: first word, trimmed, at most 40 chars, Customer when empty', () => {
    expect(firstNameOf('Ada Lovelace')).toBe('Ada');
    expect(firstNameOf('  Grace \t Hopper ')).toBe('Grace');
    expect(firstNameOf('Cher')).toBe('Cher');
    expect(firstNameOf(undefined)).toBe('Customer');
    expect(firstNameOf('')).toBe('Customer');
    expect(firstNameOf('   ')).toBe('Customer');
    expect(firstNameOf('x'.repeat(60) + ' y')).toBe('x'.repeat(40));
  });

  it('contributionOf: the rating while visible, nothing while hidden or absent', () => {
    expect(contributionOf({ rating: 4 })).toBe(4);
    expect(contributionOf({ rating: 4, hidden: { reason: 'spam', by: 'a', at: '' } })).toBeUndefined();
    expect(contributionOf(undefined)).toBeUndefined();
  });

  it('deltaOf / totalsOf', () => {
    expect(deltaOf(undefined, undefined)).toEqual(emptyTotals());
    expect(deltaOf(undefined, 5)).toEqual({ count: 1, total: 5, stars: [0, 0, 0, 0, 1] });
    expect(deltaOf(3, undefined)).toEqual({ count: -1, total: -3, stars: [0, 0, -1, 0, 0] });
    expect(deltaOf(2, 4)).toEqual({ count: 0, total: 2, stars: [0, -1, 0, 1, 0] });
    expect(isZero(deltaOf(3, 3))).toBe(true);
    expect(isZero(deltaOf(1, 2))).toBe(false);
    expect(totalsOf([])).toEqual({ count: 0, total: 0, stars: [0, 0, 0, 0, 0] });
    expect(totalsOf([1, 5, undefined, 5, 3])).toEqual({ count: 4, total: 14, stars: [1, 0, 1, 0, 2] });
    // Moving a contribution there and back is nothing.
    expect(addTotals(deltaOf(undefined, 2), deltaOf(2, undefined))).toEqual(emptyTotals());
  });
});

/** An in-memory FeedbackStore keeping the same rules as the Dynamo one. */
const memoryStore = (reservations: Map<string, Reservation>) => {
  const items = new Map<string, Feedback>();
  const store: FeedbackStore & { items: Map<string, Feedback>; refuseCreate?: () => void } = {
    items,
    async create(f, now) {
      store.refuseCreate?.();
      const r = reservations.get(f.reservationId);
      if (!r || r.userId !== f.userId || r.feedbackId || !rentalIsOver(r, now)) return false;
      reservations.set(r.reservationId, { ...r, feedbackId: f.feedbackId });
      items.set(f.feedbackId, f);
      return true;
    },
    async get(id) {
      return items.get(id);
    },
    async setHidden(f, hidden: Moderation | undefined, now) {
      const cur = items.get(f.feedbackId);
      if (!cur || cur.version !== f.version) return false;
      items.set(f.feedbackId, { ...cur, hidden, version: cur.version + 1, updatedAt: now.toISOString() });
      return true;
    },
    listByCar: async () => ({ items: [] }),
    listByUser: async () => ({ items: [] }),
  };
  return store;
};

describe('submitFeedback', () => {
  const setup = (...rs: Reservation[]) => {
    const reservations = new Map(rs.map((r) => [r.reservationId, r]));
    const feedback = memoryStore(reservations);
    let n = 0;
    const deps = {
      feedback,
      reservations: { get: async (id: string) => reservations.get(id) },
      reviewers: { nameOf: async (u: string) => (u === 'u1' ? '  Ada Lovelace' : undefined) },
      clock: { now: () => NOW },
      newId: () => `f${++n}`,
    };
    return { deps, reservations, feedback };
  };
  const req = (patch: Record<string, unknown> = {}) => ({ userId: 'u1', reservationId: 'r1', rating: 4, comments: 'Nice car', ...patch });

  it('403 when the body claims another user', async () => {
    const { deps, feedback } = setup(reservation());
    expect(await kindOf(submitFeedback(deps, req({ claimedUserId: 'u2' })))).toBe('FORBIDDEN');
    expect(feedback.items.size).toBe(0);
    // Claiming oneself is fine.
    expect(await kindOf(submitFeedback(deps, req({ claimedUserId: 'u1' })))).toBe('ok');
  });

  it("404 for another user's or an unknown reservation", async () => {
    const { deps } = setup(reservation({ userId: 'u2' }));
    expect(await kindOf(submitFeedback(deps, req()))).toBe('NOT_FOUND');
    expect(await kindOf(submitFeedback(deps, req({ reservationId: 'nope' })))).toBe('NOT_FOUND');
  });

  it('409 when not over yet, already reviewed, or cancelled', async () => {
    const { deps, feedback } = setup(
      reservation({ reservationId: 'soon', status: 'Confirmed', endDate: '2030-03-20' }),
      reservation({ reservationId: 'done', feedbackId: 'old' }),
      reservation({ reservationId: 'gone', status: 'Cancelled' }),
      reservation({ reservationId: 'req', status: 'Requested', endDate: '2030-03-01' }),
    );
    for (const id of ['soon', 'done', 'gone', 'req'])
      expect([id, await kindOf(submitFeedback(deps, req({ reservationId: id })))]).toEqual([id, 'CONFLICT']);
    expect(feedback.items.size).toBe(0);
  });

  it('writes the feedback with the reviewer first name, version 1, visible; a second one is 409', async () => {
    const { deps, reservations, feedback } = setup(reservation({ status: 'Confirmed', endDate: '2030-03-12' }));
    const f = await submitFeedback(deps, req({ rating: 5, comments: 'Great' }));
    expect(f).toEqual({
      feedbackId: 'f1',
      reservationId: 'r1',
      carId: 'c1',
      userId: 'u1',
      reviewerName: 'Ada',
      rating: 5,
      comments: 'Great',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    });
    expect(f.hidden).toBeUndefined();
    expect(feedback.items.get('f1')).toEqual(f);
    expect(reservations.get('r1')!.feedbackId).toBe('f1');
    expect(await kindOf(submitFeedback(deps, req()))).toBe('CONFLICT');
    expect(feedback.items.size).toBe(1);
  });

  it('a reviewer without a profile is "Customer"', async () => {
    const { deps } = setup(reservation({ userId: 'u9' }));
    expect((await submitFeedback(deps, req({ userId: 'u9' }))).reviewerName).toBe('Customer');
  });

  it('the store refusing (a raced submission) maps to 409, with the reason of the re-read', async () => {
    const { deps, reservations, feedback } = setup(reservation());
    // Another submission lands between the read and the write.
    feedback.refuseCreate = () => {
      feedback.refuseCreate = undefined;
      reservations.set('r1', { ...reservations.get('r1')!, feedbackId: 'other' });
    };
    const err = await submitFeedback(deps, req()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('CONFLICT');
    expect((err as AppError).details).toEqual({ feedbackId: 'other' });
    expect(feedback.items.size).toBe(0);
    // A store that refuses without the reservation visibly changing: still 409, never a success.
    const second = setup(reservation());
    second.deps.feedback.create = async () => false;
    expect(await kindOf(submitFeedback(second.deps, req()))).toBe('CONFLICT');
  });
});

describe('moderateFeedback', () => {
  const admin = { userId: 'admin1', isAdmin: true };
  const existing: Feedback = {
    feedbackId: 'f1',
    reservationId: 'r1',
    carId: 'c1',
    userId: 'u1',
    reviewerName: 'Ada',
    rating: 2,
    comments: 'meh',
    createdAt: '2030-03-01T00:00:00.000Z',
    updatedAt: '2030-03-01T00:00:00.000Z',
    version: 1,
  };
  const setup = () => {
    const store = memoryStore(new Map());
    store.items.set('f1', existing);
    const setHidden = jest.spyOn(store, 'setHidden');
    return { store, setHidden, deps: { feedback: store, clock: { now: () => NOW } } };
  };

  it('hides, re-hiding is a no-op, unhides', async () => {
    const { store, setHidden, deps } = setup();
    const hidden = await moderateFeedback(deps, admin, 'f1', { hide: true, reason: 'spam' });
    expect(hidden).toMatchObject({
      version: 2,
      hidden: { reason: 'spam', by: 'admin1', at: NOW.toISOString() },
      updatedAt: NOW.toISOString(),
    });
    expect(store.items.get('f1')).toEqual(hidden);
    const again = await moderateFeedback(deps, admin, 'f1', { hide: true, reason: 'other reason' });
    expect(again).toEqual(hidden);
    expect(setHidden).toHaveBeenCalledTimes(1);
    const shown = await moderateFeedback(deps, admin, 'f1', { hide: false });
    expect(shown.hidden).toBeUndefined();
    expect(shown.version).toBe(3);
    expect(store.items.get('f1')).toEqual(shown);
    // Unhiding the visible: no-op.
    expect(await moderateFeedback(deps, admin, 'f1', { hide: false })).toEqual(shown);
    expect(setHidden).toHaveBeenCalledTimes(2);
  });

  it('404 for an unknown feedback', async () => {
    const { deps } = setup();
    expect(await kindOf(moderateFeedback(deps, admin, 'nope', { hide: true, reason: 'x' }))).toBe('NOT_FOUND');
  });

  it('retries when the version moved meanwhile', async () => {
    const { store, deps } = setup();
    const real = store.setHidden.bind(store);
    let first = true;
    store.setHidden = async (f, h, now) => {
      if (first) {
        first = false;
        // Someone else hid and unhid it meanwhile.
        store.items.set('f1', { ...store.items.get('f1')!, version: 3 });
      }
      return real(f, h, now);
    };
    const res = await moderateFeedback(deps, admin, 'f1', { hide: true, reason: 'spam' });
    expect(res.version).toBe(4);
    expect(store.items.get('f1')!.version).toBe(4);
  });
});

/** A RatingLedger implementing exactly the port's contract, in memory. */
class MemoryLedger implements RatingLedger {
  marks = new Map<string, AppliedMark>();
  totals = new Map<string, RatingTotals>();
  commits = 0;
  refused = 0;
  async mark(feedbackId: string) {
    await Promise.resolve();
    const m = this.marks.get(feedbackId);
    return m && { ...m };
  }
  async commit(carId: string, feedbackId: string, seen: AppliedMark | undefined, next: AppliedMark, delta: RatingTotals) {
    await Promise.resolve();
    const stored = this.marks.get(feedbackId);
    const same = stored === undefined || seen === undefined ? stored === seen : stored.version === seen.version;
    if (!same) {
      this.refused++;
      return false;
    }
    this.marks.set(feedbackId, { ...next });
    this.totals.set(carId, addTotals(this.totals.get(carId) ?? emptyTotals(), delta));
    this.commits++;
    return true;
  }
}

type Op =
  | { kind: 'submit'; fb: number; car: number; rating: number }
  | { kind: 'hide' | 'unhide'; fb: number }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'burst'; picks: number[] };

const CARS = ['car-a', 'car-b', 'car-c'];
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), fb: fc.nat(5), car: fc.nat(CARS.length - 1), rating: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constantFrom('hide' as const, 'unhide' as const), fb: fc.nat(5) }),
  fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('burst' as const), picks: fc.array(fc.nat(), { minLength: 2, maxLength: 6 }) }),
);

describe('applyFeedbackChange (property)', () => {
  it('totals always equal those of the visible feedback, whatever the redeliveries, order and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.boolean(), async (ops, concurrentNew) => {
        const ledger = new MemoryLedger();
        const invalidated: string[] = [];
        const locations: Record<string, string> = { 'car-a': 'BOS', 'car-b': 'BNA', 'car-c': 'BOS' };
        const deps: AggregatorDeps = {
          ledger,
          cars: { get: async (id) => ({ location: locations[id] as never }) },
          cache: {
            invalidateCar: async (id) => void invalidated.push(`car:${id}`),
            invalidateLocation: async (loc) => void invalidated.push(`loc:${loc}`),
          },
        };
        // The source of truth: the feedback items as the table holds them.
        const items = new Map<string, { carId: string; rating: number; hidden: boolean; version: number }>();
        const emitted: FeedbackChange[] = [];

        const apply = async (changes: FeedbackChange[]) => {
          const before = new Map(CARS.map((c) => [c, JSON.stringify(ledger.totals.get(c) ?? emptyTotals())]));
          invalidated.length = 0;
          const outcomes = await Promise.all(changes.map((c) => applyFeedbackChange(deps, c)));
          for (const c of CARS) {
            const moved = JSON.stringify(ledger.totals.get(c) ?? emptyTotals()) !== before.get(c);
            // Totals that moved had their car's cache and its location's searches dropped.
            if (moved) {
              expect(invalidated).toContain(`car:${c}`);
              expect(invalidated).toContain(`loc:${locations[c]}`);
            }
          }
          // Invalidation happens only for cars whose totals a change moved (stale ones do nothing).
          if (outcomes.every((o) => o === 'stale')) expect(invalidated).toEqual([]);
          return outcomes;
        };

        for (const o of ops) {
          const fresh: FeedbackChange[] = [];
          if (o.kind === 'submit') {
            const id = `fb${o.fb}`;
            if (items.has(id)) continue; // one feedback per id (per reservation)
            items.set(id, { carId: CARS[o.car], rating: o.rating, hidden: false, version: 1 });
            fresh.push({ feedbackId: id, carId: CARS[o.car], version: 1, contribution: o.rating });
          } else if (o.kind === 'hide' || o.kind === 'unhide') {
            const id = `fb${o.fb}`;
            const item = items.get(id);
            if (!item || item.hidden === (o.kind === 'hide')) continue;
            item.hidden = o.kind === 'hide';
            item.version += 1;
            fresh.push({ feedbackId: id, carId: item.carId, version: item.version, contribution: item.hidden ? undefined : item.rating });
          } else if (o.kind === 'redeliver') {
            if (emitted.length === 0) continue;
            const old = emitted[o.pick % emitted.length];
            expect(await apply([{ ...old }])).toEqual(['stale']); // every emitted change was applied already
            continue;
          } else {
            if (emitted.length === 0) continue;
            await apply((o as { picks: number[] }).picks.map((p: number) => ({ ...emitted[p % emitted.length] })));
            continue;
          }
          emitted.push(...fresh);
          // New changes, alone or together with a duplicate of themselves and an old one (concurrently).
          if (concurrentNew && emitted.length > 1) {
            const outcomes = await apply([...fresh, ...fresh, emitted[0]]);
            expect(outcomes.filter((x) => x === 'applied').length).toBeLessThanOrEqual(fresh.length);
          } else {
            expect(await apply(fresh)).toEqual(fresh.map(() => 'applied'));
          }
        }

        for (const carId of CARS) {
          const visible = [...items.values()].filter((i) => i.carId === carId && !i.hidden).map((i) => i.rating);
          expect([carId, ledger.totals.get(carId) ?? emptyTotals()]).toEqual([carId, totalsOf(visible)]);
        }
        for (const [id, item] of items)
          expect(ledger.marks.get(id)).toEqual({ version: item.version, contribution: item.hidden ? undefined : item.rating });
      }),
      { numRuns: 300 },
    );
  });

  it('out-of-order delivery (newest first) ends in the totals of the latest version', async () => {
    const ledger = new MemoryLedger();
    const cache = { invalidateCar: jest.fn(async () => undefined), invalidateLocation: jest.fn(async () => undefined) };
    const deps: AggregatorDeps = { ledger, cars: { get: async () => ({ location: 'BOS' as never }) }, cache };
    const v1 = { feedbackId: 'f', carId: 'c', version: 1, contribution: 4 };
    const v2 = { feedbackId: 'f', carId: 'c', version: 2, contribution: undefined };
    const v3 = { feedbackId: 'f', carId: 'c', version: 3, contribution: 4 };
    expect(await applyFeedbackChange(deps, v3)).toBe('applied');
    expect(await applyFeedbackChange(deps, v1)).toBe('stale');
    expect(await applyFeedbackChange(deps, v2)).toBe('stale');
    expect(ledger.totals.get('c')).toEqual(totalsOf([4]));
    expect(cache.invalidateCar).toHaveBeenCalledTimes(1);
    expect(cache.invalidateLocation).toHaveBeenCalledWith('BOS');
  });

  it('many concurrent changes of one feedback: the optimistic retry makes them count once; a mark that never settles throws', async () => {
    const ledger = new MemoryLedger();
    const deps: AggregatorDeps = {
      ledger,
      cars: { get: async () => undefined },
      cache: { invalidateCar: async () => undefined, invalidateLocation: async () => undefined },
    };
    const changes = [1, 2, 3, 4].map((v) => ({ feedbackId: 'f', carId: 'c', version: v, contribution: v % 2 ? 5 : undefined }));
    await Promise.all([...changes, ...changes].map((c) => applyFeedbackChange(deps, c)));
    expect(ledger.marks.get('f')!.version).toBe(4);
    expect(ledger.totals.get('c') ?? emptyTotals()).toEqual(totalsOf([undefined]));
    expect(ledger.refused).toBeGreaterThan(0); // the retry path ran

    const never: RatingLedger = { mark: async () => undefined, commit: async () => false };
    await expect(applyFeedbackChange({ ...deps, ledger: never }, changes[0])).rejects.toThrow(/kept moving/);
  });
});
