import fc from 'fast-check';
import { isBlocking, isFreeFor, overlaps, pruneBlocks, type Block } from '../../../lambdas/domain/fleet/availability';

const DAY = 86_400_000;
const BASE = Date.UTC(2030, 0, 1);
const day = (n: number) => new Date(BASE + n * DAY).toISOString().slice(0, 10);
const NOW = BASE + 10 * DAY;

/** A period as day offsets [start, end) with end > start. */
const periodArb = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 })).map(([s, len]) => ({ s, e: s + len }));
const blockArb: fc.Arbitrary<{ s: number; e: number; block: Block }> = fc
  .tuple(periodArb, fc.constantFrom('hold', 'booking', 'maintenance') as fc.Arbitrary<Block['kind']>, fc.integer({ min: -5, max: 5 }))
  .map(([{ s, e }, kind, expiryOffsetMin]) => ({
    s,
    e,
    block: { from: day(s), to: day(e), kind, ...(kind === 'hold' ? { holdExpiresAt: NOW + expiryOffsetMin * 60_000 } : {}) },
  }));

/** The rule stated on day numbers, independently of the string comparisons the implementation uses. */
const blocksDay = (b: { s: number; e: number; block: Block }, d: number) =>
  d >= b.s && d < b.e && (b.block.kind !== 'hold' || b.block.holdExpiresAt! > NOW);

describe('availability rule', () => {
  it('a car is free exactly when no blocking block shares a rented day with the period', () => {
    fc.assert(
      fc.property(fc.array(blockArb, { maxLength: 8 }), periodArb, (blocks, p) => {
        const period = { startDate: day(p.s), endDate: day(p.e) };
        const rentedDays = Array.from({ length: p.e - p.s }, (_, i) => p.s + i);
        const expected = !blocks.some((b) => rentedDays.some((d) => blocksDay(b, d)));
        expect(isFreeFor(blocks.map((b) => b.block), period, NOW)).toBe(expected);
      }),
    );
  });

  it('treats the return day as free: back-to-back rentals do not overlap', () => {
    const booked: Block = { from: '2030-01-01', to: '2030-01-05', kind: 'booking' };
    expect(overlaps(booked, { startDate: '2030-01-05', endDate: '2030-01-07' })).toBe(false);
    expect(overlaps(booked, { startDate: '2029-12-30', endDate: '2030-01-01' })).toBe(false);
    expect(overlaps(booked, { startDate: '2030-01-04', endDate: '2030-01-05' })).toBe(true);
  });

  it('ignores a hold once it has expired, and holds without expiry never block', () => {
    const hold = (holdExpiresAt?: number): Block => ({ from: '2030-01-01', to: '2030-01-05', kind: 'hold', holdExpiresAt });
    expect(isBlocking(hold(NOW + 1), NOW)).toBe(true);
    expect(isBlocking(hold(NOW), NOW)).toBe(false);
    expect(isBlocking(hold(undefined), NOW)).toBe(false);
    expect(isBlocking({ from: '2030-01-01', to: '2030-01-02', kind: 'maintenance' }, NOW)).toBe(true);
  });

  it('pruning never changes an answer for a period from today on', () => {
    fc.assert(
      fc.property(fc.array(blockArb, { maxLength: 8 }), periodArb, (blocks, p) => {
        const period = { startDate: day(Math.max(p.s, 10)), endDate: day(Math.max(p.e, 11)) };
        const all = blocks.map((b) => b.block);
        expect(isFreeFor(pruneBlocks(all, day(10), NOW), period, NOW)).toBe(isFreeFor(all, period, NOW));
      }),
    );
  });
});
