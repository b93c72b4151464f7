import fc from 'fast-check';
import {
  endedBlocks,
  isBlocking,
  isFreeFor,
  type Block,
  type MaintenanceBlock,
  type ReservationBlock,
} from '../../../lambdas/domain/fleet/availability';
import { dayInterval, occupies, periodOf } from '../../../lambdas/domain/fleet/interval';

const MIN = 60_000;
const BASE = Date.UTC(2030, 0, 1);
const at = (minute: number) => BASE + minute * MIN;
const NOW_MIN = 600;
const NOW = at(NOW_MIN);

/** An interval as minute offsets [s, e) with e > s, over a few days. */
const spanArb = fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1500 })).map(([s, len]) => ({ s, e: s + len }));

/** A hold's expiry around NOW (possibly just lapsed, possibly exactly now), or none at all. */
const holdExpiryArb = fc.option(
  fc.integer({ min: -5, max: 5 }).map((min) => NOW + min * MIN),
  { nil: undefined },
);

type BlockBody = Omit<ReservationBlock, 'id' | 'fromMs' | 'readyMs'> | Omit<MaintenanceBlock, 'id' | 'fromMs' | 'readyMs' | 'from' | 'to'>;
const bodyArb: fc.Arbitrary<BlockBody> = fc.oneof(
  holdExpiryArb.map((holdExpiresAt) => ({
    kind: 'reservation' as const,
    status: 'Pending' as const,
    ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
  })),
  // A Confirmed reservation may still carry the expiry of the hold it was paid within: it must not matter.
  holdExpiryArb.map((holdExpiresAt) => ({
    kind: 'reservation' as const,
    status: 'Confirmed' as const,
    ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
  })),
  fc.constantFrom('tyres', 'service').map((reason) => ({ kind: 'maintenance' as const, reason })),
);

interface Generated {
  s: number;
  e: number;
  block: Block;
}

/** Blocks as a car holds them: each with its own id (the key of the car's map). */
const blocksArb: fc.Arbitrary<Generated[]> = fc.array(fc.tuple(spanArb, bodyArb), { maxLength: 8 }).map((list) =>
  list.map(([{ s, e }, body], i) => ({
    s,
    e,
    block: { id: `b${i}`, fromMs: at(s), readyMs: at(e), from: '', to: '', ...body },
  })),
);

/** The rule stated minute by minute, independently of `occupies` and `holdsCar`. */
const blocksMinute = ({ s, e, block }: Generated, m: number) => {
  if (m < s || m >= e) return false;
  if (block.kind === 'maintenance' || block.status === 'Confirmed') return true;
  return block.holdExpiresAt !== undefined && block.holdExpiresAt > NOW;
};

describe('availability rule (intervals)', () => {
  it('a car is free exactly when no blocking block takes any minute of the wanted interval (brute force)', () => {
    fc.assert(
      fc.property(blocksArb, spanArb, (blocks, w) => {
        const minutes = Array.from({ length: w.e - w.s }, (_, i) => w.s + i);
        const expected = !blocks.some((b) => minutes.some((m) => blocksMinute(b, m)));
        expect(
          isFreeFor(
            blocks.map((b) => b.block),
            { fromMs: at(w.s), readyMs: at(w.e) },
            NOW,
          ),
        ).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('turnaround: a car ready at 11:00 (returned 10:00 + 60 min) can go out at 11:00, not at 10:59', () => {
    const booked: Block = { id: 'r1', fromMs: at(0), readyMs: at(11 * 60), kind: 'reservation', status: 'Confirmed' };
    expect(isFreeFor([booked], { fromMs: at(11 * 60), readyMs: at(20 * 60) }, NOW)).toBe(true);
    expect(isFreeFor([booked], { fromMs: at(11 * 60 - 1), readyMs: at(20 * 60) }, NOW)).toBe(false);
    // ...and one ready exactly when the booked one starts fits before it.
    expect(occupies({ fromMs: at(-120), readyMs: at(0) }, booked)).toBe(false);
  });

  it("v1 days: back-to-back periods do not overlap; a v1 period's days come back from its interval", () => {
    const booked = dayInterval({ startDate: '2030-01-01', endDate: '2030-01-05' });
    expect(occupies(booked, dayInterval({ startDate: '2030-01-05', endDate: '2030-01-07' }))).toBe(false);
    expect(occupies(booked, dayInterval({ startDate: '2029-12-30', endDate: '2030-01-01' }))).toBe(false);
    expect(occupies(booked, dayInterval({ startDate: '2030-01-04', endDate: '2030-01-05' }))).toBe(true);
    expect(periodOf(booked)).toEqual({ startDate: '2030-01-01', endDate: '2030-01-05' });
    // A v2 booking ready at 10:00 on the 5th touches the 5th: v1 sees it until the 6th.
    expect(periodOf({ fromMs: Date.parse('2030-01-01T10:00:00Z'), readyMs: Date.parse('2030-01-05T10:00:00Z') })).toEqual({
      startDate: '2030-01-01',
      endDate: '2030-01-06',
    });
  });

  it('ignores a hold once it has lapsed; a hold without expiry never blocks; Confirmed and maintenance always do', () => {
    const span = { fromMs: at(0), readyMs: at(100) };
    const pending = (holdExpiresAt?: number): Block => ({
      id: 'r1',
      ...span,
      kind: 'reservation',
      status: 'Pending',
      ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
    });
    expect(isBlocking(pending(NOW + 1), NOW)).toBe(true);
    expect(isBlocking(pending(NOW), NOW)).toBe(false);
    expect(isBlocking(pending(NOW - 60_000), NOW)).toBe(false);
    expect(isBlocking(pending(undefined), NOW)).toBe(false);
    expect(isBlocking({ id: 'r2', ...span, kind: 'reservation', status: 'Confirmed', holdExpiresAt: NOW - 1 }, NOW)).toBe(true);
    expect(isBlocking({ id: 'm1', ...span, from: '', to: '', kind: 'maintenance', reason: 'tyres' }, NOW)).toBe(true);
  });

  it('removing the ended blocks never changes an answer for an interval from now on', () => {
    fc.assert(
      fc.property(blocksArb, spanArb, (blocks, w) => {
        const wanted = { fromMs: at(Math.max(w.s, NOW_MIN)), readyMs: at(Math.max(w.e, NOW_MIN + 1)) };
        const all = blocks.map((b) => b.block);
        const ended = new Set(endedBlocks(all, NOW).map((b) => b.id));
        const kept = all.filter((b) => !ended.has(b.id));
        expect(isFreeFor(kept, wanted, NOW)).toBe(isFreeFor(all, wanted, NOW));
      }),
    );
  });

  it('counts as ended exactly the blocks that are over and the ones that no longer block', () => {
    const blocks: Block[] = [
      { id: 'past', fromMs: at(0), readyMs: NOW, kind: 'reservation', status: 'Confirmed' },
      { id: 'current', fromMs: at(0), readyMs: NOW + 1, kind: 'reservation', status: 'Confirmed' },
      { id: 'lapsed', fromMs: at(2000), readyMs: at(3000), kind: 'reservation', status: 'Pending', holdExpiresAt: NOW - 1 },
      { id: 'live', fromMs: at(2000), readyMs: at(3000), kind: 'reservation', status: 'Pending', holdExpiresAt: NOW + 1 },
      { id: 'service', fromMs: at(4000), readyMs: at(5000), from: '', to: '', kind: 'maintenance', reason: 'service' },
      { id: 'oldService', fromMs: at(0), readyMs: at(100), from: '', to: '', kind: 'maintenance', reason: 'service' },
    ];
    expect(
      endedBlocks(blocks, NOW)
        .map((b) => b.id)
        .sort(),
    ).toEqual(['lapsed', 'oldService', 'past']);
  });
});
