import RedisMock from 'ioredis-mock';
import { RedisFleetCache } from '../../../lambdas/adapters/fleet/cache';
import type { RedisCommands } from '../../../lambdas/adapters/redis';
import { isFreeFor, type Block } from '../../../lambdas/domain/fleet/availability';
import { dayInterval } from '../../../lambdas/domain/fleet/interval';

/** The `calendar` scheme's per-car calendars: cached until the car's calendar changes, never stored across a change. */
describe('fleet cache, car calendars', () => {
  const redis = new RedisMock() as unknown as RedisCommands;
  const cache = new RedisFleetCache(async () => redis);
  const held: Block = {
    id: 'r-1',
    kind: 'reservation',
    status: 'Pending',
    holdExpiresAt: Date.now() + 600_000,
    ...dayInterval({ startDate: '2030-03-01', endDate: '2030-03-04' }),
  };
  /** The calendars in DynamoDB, as the loader reads them; `reads` counts the cars read. */
  let stored: Map<string, Block[]>;
  let reads: string[];
  const read = async (carIds: readonly string[]) => {
    reads.push(...carIds);
    return new Map(carIds.map((id) => [id, stored.get(id) ?? []]));
  };
  const lookup = (carIds: string[], loader = read) => cache.calendars(carIds, loader);

  beforeEach(async () => {
    await (redis as unknown as { flushall(): Promise<unknown> }).flushall();
    stored = new Map([
      ['a', []],
      ['b', []],
    ]);
    reads = [];
  });

  it('serves a calendar read once from the cache until that car changes; other cars stay cached', async () => {
    expect((await lookup(['a', 'b'])).cached).toBe(false);
    expect(await lookup(['a', 'b'])).toMatchObject({ cached: true });
    expect(reads).toEqual(['a', 'b']);
    stored.set('a', [held]);
    await cache.calendarChanged('LAX', 'a', held);
    const after = await lookup(['a', 'b']);
    expect(after.cached).toBe(false);
    expect(after.calendars.get('a')).toEqual([held]);
    expect(reads).toEqual(['a', 'b', 'a']);
  });

  it('while a change is announced, reads the car each time and stores nothing', async () => {
    await lookup(['a']);
    await cache.calendarChanging('a');
    stored.set('a', [held]);
    expect((await lookup(['a'])).calendars.get('a')).toEqual([held]);
    expect((await lookup(['a'])).cached).toBe(false);
    await cache.calendarChanged('LAX', 'a', held, true);
    await lookup(['a']);
    expect(await lookup(['a'])).toMatchObject({ cached: true });
    expect(reads).toEqual(['a', 'a', 'a', 'a']);
  });

  it('never stores a calendar read before a change that landed during the read', async () => {
    const racing = async (carIds: readonly string[]) => {
      const before = await read(carIds);
      // The hold is written and announced gone while this search still holds the calendar from before.
      await cache.calendarChanging('a');
      stored.set('a', [held]);
      await cache.calendarChanged('LAX', 'a', held, true);
      return before;
    };
    expect((await lookup(['a'], racing)).calendars.get('a')).toEqual([]);
    expect((await lookup(['a'])).calendars.get('a')).toEqual([held]);
  });

  it('keeps the calendars when the location is invalidated (a car edited: its blocks did not change)', async () => {
    await lookup(['a', 'b']);
    await cache.invalidateLocation('LAX');
    expect((await lookup(['a', 'b'])).cached).toBe(true);
  });

  it('with a reader, the writer refills the calendar after its change: the next search finds it cached and fresh', async () => {
    const refilling = new RedisFleetCache(async () => redis, 'calendar', read);
    await refilling.calendars(['a'], read);
    await refilling.calendarChanging('a');
    stored.set('a', [held]);
    await refilling.calendarChanged('LAX', 'a', held, true);
    expect(await refilling.calendars(['a'], read)).toEqual({ calendars: new Map([['a', [held]]]), cached: true });
  });

  it("one writer's change does not end another's announcement: searches read the car until the last writer is done", async () => {
    const refilling = new RedisFleetCache(async () => redis, 'calendar', read);
    await refilling.calendarChanging('a'); // a decider, about to write its hold
    await refilling.calendarChanging('a'); // a maintenance block, about to be written
    await refilling.calendarChanged('LAX', 'a', undefined, true); // the block was refused
    await refilling.calendarChanged('LAX', 'a', held); // a cancel of another reservation of the car
    stored.set('a', [held]); // the decider's hold lands
    expect((await lookup(['a'])).calendars.get('a')).toEqual([held]);
    expect((await lookup(['a'])).cached).toBe(false);
    await refilling.calendarChanged('LAX', 'a', held, true);
    expect(await lookup(['a'])).toEqual({ calendars: new Map([['a', [held]]]), cached: true });
  });

  it('a refill that raced a later change is not stored', async () => {
    const racing = new RedisFleetCache(
      async () => redis,
      'calendar',
      async (carIds) => {
        const before = await read(carIds);
        // Another hold is announced while this refill still holds the calendar from before it.
        await cache.calendarChanging('a');
        stored.set('a', [held]);
        return before;
      },
    );
    await racing.calendarChanged('LAX', 'a');
    expect((await lookup(['a'])).calendars.get('a')).toEqual([held]);
  });

  describe('an announcement with the interval its writer may take (the decider, a maintenance block)', () => {
    const refilling = new RedisFleetCache(async () => redis, 'calendar', read);
    const taken = (calendar: Block[] | undefined) => !isFreeFor(calendar ?? [], held, Date.now());
    const later = dayInterval({ startDate: '2030-04-01', endDate: '2030-04-03' });

    it('searches judge the cached calendar with the interval taken: no read, nothing stored, no gap after', async () => {
      await lookup(['a']);
      await refilling.calendarChanging('a', held);
      const during = await lookup(['a']);
      expect(during.cached).toBe(true);
      expect(taken(during.calendars.get('a'))).toBe(true);
      expect(isFreeFor(during.calendars.get('a')!, later, Date.now())).toBe(true);
      stored.set('a', [held]);
      await refilling.calendarChanged('LAX', 'a', held, true);
      // The writer read the calendar once, before its announcement ended; the next search reads nothing.
      expect(await lookup(['a'])).toEqual({ calendars: new Map([['a', [held]]]), cached: true });
      expect(reads).toEqual(['a', 'a']);
    });

    it('a refused hold leaves the car as it was', async () => {
      await lookup(['a']);
      await refilling.calendarChanging('a', held);
      await refilling.calendarChanged('LAX', 'a', undefined, true);
      expect(await lookup(['a'])).toEqual({ calendars: new Map([['a', []]]), cached: true });
    });

    it('with no calendar cached, searches read the car meanwhile', async () => {
      await refilling.calendarChanging('a', held);
      stored.set('a', [held]);
      expect(await lookup(['a'])).toMatchObject({ cached: false });
      expect(reads).toEqual(['a']);
    });

    it('the last writer out does not store its read when another change settled during its announcement', async () => {
      const other: Block = { ...held, id: 'r-0', status: 'Confirmed', ...later };
      stored.set('a', [other]);
      await lookup(['a']);
      await refilling.calendarChanging('a', held);
      stored.set('a', [other, held]);
      let first = true;
      const cancelling = new RedisFleetCache(
        async () => redis,
        'calendar',
        async (carIds) => {
          const seen = await read(carIds);
          if (first) {
            // A cancel of the other reservation lands and settles after the writer's read.
            first = false;
            stored.set('a', [held]);
            await refilling.calendarChanged('LAX', 'a', other);
          }
          return seen;
        },
      );
      await cancelling.calendarChanged('LAX', 'a', held, true);
      expect((await lookup(['a'])).calendars.get('a')).toEqual([held]);
    });

    it('two writers: the first out keeps the calendar judged with both intervals; the last out reads it again', async () => {
      await lookup(['a']);
      await refilling.calendarChanging('a', held);
      await refilling.calendarChanging('a', later);
      stored.set('a', [held]);
      await refilling.calendarChanged('LAX', 'a', held, true);
      const during = await lookup(['a']);
      expect(during.cached).toBe(true);
      expect(taken(during.calendars.get('a'))).toBe(true);
      expect(isFreeFor(during.calendars.get('a')!, later, Date.now())).toBe(false);
      await refilling.calendarChanged('LAX', 'a', undefined, true);
      expect(await lookup(['a'])).toEqual({ calendars: new Map([['a', [held]]]), cached: true });
    });

    it('a change that was not announced drops the calendar kept: searches read the car until the last writer is out', async () => {
      await lookup(['a']);
      await refilling.calendarChanging('a', held);
      await refilling.calendarChanged('LAX', 'a', later);
      expect(await lookup(['a'])).toMatchObject({ cached: false });
    });
  });

  it('drops ended blocks from what it stores, and a lapsed hold does not block when read back', async () => {
    const lapsed: Block = { ...held, id: 'r-0', holdExpiresAt: Date.now() - 1 };
    stored.set('a', [lapsed, held]);
    await lookup(['a']);
    expect((await lookup(['a'])).calendars.get('a')).toEqual([held]);
  });

  it('reads DynamoDB when Redis is down', async () => {
    const down = new RedisFleetCache(async () => Promise.reject(new Error('ECONNREFUSED')), 'calendar', read);
    expect(await down.calendars(['a'], read)).toMatchObject({ cached: false });
    await expect(down.calendarChanging('a')).resolves.toBeUndefined();
    await expect(down.calendarChanged('LAX', 'a', held)).resolves.toBeUndefined();
  });
});
