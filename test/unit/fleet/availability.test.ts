import fc from 'fast-check';
import {
  endedBlocks,
  isBlocking,
  isFreeFor,
  overlaps,
  type Block,
  type MaintenanceBlock,
  type ReservationBlock,
} from '../../../lambdas/domain/fleet/availability';

const DAY = 86_400_000;
const BASE = Date.UTC(2030, 0, 1);
const day = (n: number) => new Date(BASE + n * DAY).toISOString().slice(0, 10);
const TODAY = 10;
const NOW = BASE + TODAY * DAY;

/** A period as day offsets [start, end) with end > start. */
const periodArb = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 })).map(([s, len]) => ({ s, e: s + len }));

/** A hold's expiry around NOW (possibly just lapsed, possibly exactly now), or none at all. */
const holdExpiryArb = fc.option(
  fc.integer({ min: -5, max: 5 }).map((min) => NOW + min * 60_000),
  { nil: undefined },
);

type BlockBody = Omit<ReservationBlock, 'id' | 'from' | 'to'> | Omit<MaintenanceBlock, 'id' | 'from' | 'to'>;
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
const blockArb: fc.Arbitrary<Omit<Generated, 'block'> & { body: BlockBody }> = fc
  .tuple(periodArb, bodyArb)
  .map(([{ s, e }, body]) => ({ s, e, body }));

/** Blocks as a car holds them: each with its own id (the key of the car's map). */
const blocksArb: fc.Arbitrary<Generated[]> = fc
  .array(blockArb, { maxLength: 8 })
  .map((list) => list.map(({ s, e, body }, i) => ({ s, e, block: { id: `b${i}`, from: day(s), to: day(e), ...body } })));

/** The rule stated on day numbers, independently of the string comparisons and holdsCar. */
const blocksDay = ({ s, e, block }: Generated, d: number) => {
  if (d < s || d >= e) return false;
  if (block.kind === 'maintenance' || block.status === 'Confirmed') return true;
  return block.holdExpiresAt !== undefined && block.holdExpiresAt > NOW;
};

describe('availability rule', () => {
  it('a car is free exactly when no blocking block shares a rented day with the period', () => {
    fc.assert(
      fc.property(blocksArb, periodArb, (blocks, p) => {
        const period = { startDate: day(p.s), endDate: day(p.e) };
        const rentedDays = Array.from({ length: p.e - p.s }, (_, i) => p.s + i);
        const expected = !blocks.some((b) => rentedDays.some((d) => blocksDay(b, d)));
        expect(
          isFreeFor(
            blocks.map((b) => b.block),
            period,
            NOW,
          ),
        ).toBe(expected);
      }),
    );
  });

  it('treats the return day as free: back-to-back rentals do not overlap', () => {
    const booked: Block = { id: 'r1', from: '2030-01-01', to: '2030-01-05', kind: 'reservation', status: 'Confirmed' };
    expect(overlaps(booked, { startDate: '2030-01-05', endDate: '2030-01-07' })).toBe(false);
    expect(overlaps(booked, { startDate: '2029-12-30', endDate: '2030-01-01' })).toBe(false);
    expect(overlaps(booked, { startDate: '2030-01-04', endDate: '2030-01-05' })).toBe(true);
    expect(isFreeFor([booked], { startDate: '2030-01-05', endDate: '2030-01-07' }, NOW)).toBe(true);
  });

  it('ignores a hold once it has lapsed; a hold without expiry never blocks; Confirmed and maintenance always do', () => {
    const pending = (holdExpiresAt?: number): Block => ({
      id: 'r1',
      from: '2030-01-01',
      to: '2030-01-05',
      kind: 'reservation',
      status: 'Pending',
      ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
    });
    expect(isBlocking(pending(NOW + 1), NOW)).toBe(true);
    expect(isBlocking(pending(NOW), NOW)).toBe(false);
    expect(isBlocking(pending(NOW - 60_000), NOW)).toBe(false);
    expect(isBlocking(pending(undefined), NOW)).toBe(false);
    expect(
      isBlocking({ id: 'r2', from: '2030-01-01', to: '2030-01-05', kind: 'reservation', status: 'Confirmed', holdExpiresAt: NOW - 1 }, NOW),
    ).toBe(true);
    expect(isBlocking({ id: 'm1', from: '2030-01-01', to: '2030-01-02', kind: 'maintenance', reason: 'tyres' }, NOW)).toBe(true);
  });

  it('a lapsed hold never blocks any period', () => {
    fc.assert(
      fc.property(periodArb, periodArb, fc.integer({ min: 0, max: 60 }), ({ s, e }, p, lapsedMin) => {
        const lapsed: Block = {
          id: 'r1',
          from: day(s),
          to: day(e),
          kind: 'reservation',
          status: 'Pending',
          holdExpiresAt: NOW - lapsedMin * 60_000,
        };
        expect(isFreeFor([lapsed], { startDate: day(p.s), endDate: day(p.e) }, NOW)).toBe(true);
      }),
    );
  });

  it('removing the ended blocks never changes an answer for a period from today on', () => {
    fc.assert(
      fc.property(blocksArb, periodArb, (blocks, p) => {
        const period = { startDate: day(Math.max(p.s, TODAY)), endDate: day(Math.max(p.e, TODAY + 1)) };
        const all = blocks.map((b) => b.block);
        const ended = new Set(endedBlocks(all, day(TODAY), NOW).map((b) => b.id));
        const kept = all.filter((b) => !ended.has(b.id));
        expect(isFreeFor(kept, period, NOW)).toBe(isFreeFor(all, period, NOW));
      }),
    );
  });

  it('counts as ended exactly the blocks that ended before today and the ones that no longer block', () => {
    const blocks: Block[] = [
      { id: 'past', from: day(1), to: day(TODAY), kind: 'reservation', status: 'Confirmed' },
      { id: 'current', from: day(TODAY - 1), to: day(TODAY + 1), kind: 'reservation', status: 'Confirmed' },
      { id: 'lapsed', from: day(20), to: day(22), kind: 'reservation', status: 'Pending', holdExpiresAt: NOW - 1 },
      { id: 'live', from: day(20), to: day(22), kind: 'reservation', status: 'Pending', holdExpiresAt: NOW + 1 },
      { id: 'service', from: day(30), to: day(31), kind: 'maintenance', reason: 'service' },
      { id: 'oldService', from: day(2), to: day(3), kind: 'maintenance', reason: 'service' },
    ];
    expect(
      endedBlocks(blocks, day(TODAY), NOW)
        .map((b) => b.id)
        .sort(),
    ).toEqual(['lapsed', 'oldService', 'past']);
  });
});
