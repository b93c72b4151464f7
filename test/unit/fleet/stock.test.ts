import fc from 'fast-check';
import { peakWithin, type Interval } from '../../../lambdas/domain/fleet/interval';
import { endedStock, stockFits, type StockBlock, type StockCalendar } from '../../../lambdas/domain/fleet/stock';

const H = 3_600_000;
const NOW = Date.UTC(2030, 0, 1);
const block = (id: string, fromH: number, toH: number, quantity = 1, patch: Partial<StockBlock> = {}): StockBlock => ({
  id,
  fromMs: NOW + fromH * H,
  readyMs: NOW + toH * H,
  quantity,
  status: 'Confirmed',
  ...patch,
});
const calendar = (...blocks: StockBlock[]): StockCalendar => ({ location: 'BOS', code: 'CHILD_SEAT', blocks, version: blocks.length });
const wanted = (fromH: number, toH: number): Interval => ({ fromMs: NOW + fromH * H, readyMs: NOW + toH * H });

describe('stockFits: at most N of an extra out at any instant', () => {
  it('counts what is out at the busiest instant of the rental, not every booking that touches it', () => {
    // Two seats out 0-4 and 6-10 never overlap each other: a 3-seat location lends a second over 2-8.
    const cal = calendar(block('a', 0, 4, 2), block('b', 6, 10, 2));
    expect(stockFits(cal, wanted(2, 8), 1, 3, NOW)).toBe(true);
    expect(stockFits(cal, wanted(2, 8), 2, 3, NOW)).toBe(false);
    // Back to back (half-open intervals): the seats returned at 4 can go out at 4.
    expect(stockFits(cal, wanted(4, 6), 3, 3, NOW)).toBe(true);
  });

  it("a lapsed hold takes nothing; a live one does; the reservation's own block is not counted against it", () => {
    const cal = calendar(
      block('a', 0, 10, 3, { status: 'Pending', holdExpiresAt: NOW - 1 }),
      block('b', 0, 10, 2, { status: 'Pending', holdExpiresAt: NOW + 1 }),
    );
    expect(stockFits(cal, wanted(1, 2), 1, 3, NOW)).toBe(true);
    expect(stockFits(cal, wanted(1, 2), 2, 3, NOW)).toBe(false);
    expect(stockFits(cal, wanted(1, 2), 3, 3, NOW, 'b')).toBe(true);
    expect(endedStock(cal.blocks, NOW).map((b) => b.id)).toEqual(['a']);
  });

  it('peakWithin agrees with counting minute by minute (property)', () => {
    const span = fc.record({
      from: fc.integer({ min: 0, max: 300 }),
      length: fc.integer({ min: 1, max: 120 }),
      weight: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 12 }), span, (spans, w) => {
        const intervals = spans.map((s) => ({ fromMs: s.from, readyMs: s.from + s.length, weight: s.weight }));
        const within = { fromMs: w.from, readyMs: w.from + w.length };
        let brute = 0;
        for (let t = within.fromMs; t < within.readyMs; t++) {
          brute = Math.max(
            brute,
            intervals.filter((i) => i.fromMs <= t && t < i.readyMs).reduce((n, i) => n + i.weight, 0),
          );
        }
        expect(peakWithin(intervals, within)).toBe(brute);
      }),
    );
  });
});
