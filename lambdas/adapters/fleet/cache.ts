import { createHash, randomUUID } from 'node:crypto';
import type { RedisCommands } from '../redis';
import { endedBlocks, type Block } from '../../domain/fleet/availability';
import type { Interval } from '../../domain/fleet/interval';
import type { LocationCode } from '../../domain/fleet/catalog';
import type { Car, Photo } from '../../domain/fleet/car';
import type { CandidateRun, FleetCache } from '../../domain/fleet/ports';
import { toBlock, toStoredBlock, type ShortBlock } from './stored-block';
import type { SearchResultPage } from '../../domain/fleet/search';
import { logger } from '../../shared/logger';

/** Short on purpose: invalidation is the rule, the TTL only bounds staleness if an invalidation was lost. */
const SEARCH_TTL_SECONDS = 60;
/** The same bound for a car's calendar (an invalidation lost between DynamoDB's write and Redis). */
const CALENDAR_TTL_SECONDS = 60;
/**
 * How long a change announced by calendarChanging keeps searches off the car's cached calendar when
 * calendarChanged does not follow (a writer that died): well over a decision (the decider's car lock
 * lives 5 s), so a live writer always ends it itself.
 */
const CHANGING_TTL_MS = 30_000;
/**
 * An announcement, as the car's calendar key holds it: `changing:<n>:<d>|<pending>|<calendar>`. n: the
 * writers between their announcement and its end, so one writer's end never clears another's; d: '1'
 * once a change settled while announced (the last writer out must then read the calendar again);
 * pending: the intervals the writers may add (`<fromMs>-<readyMs>`, comma-separated); calendar: the
 * cached calendar from before the announcements, '' when there was none, when a writer announced no
 * interval, or after a change that was not announced. Searches judge the car on that calendar with the
 * pending intervals as blocks (a car being held is not shown for the hold's time, written yet or not),
 * and read the car from DynamoDB when the calendar part is ''. The Lua below parses it (PARSE_CHANGING).
 */
const PARSE_CHANGING = `
local function parse(v)
  local head, pend, cal = string.match(v, '^changing:([^|]*)|([^|]*)|(.*)$')
  if not head then return tonumber(string.sub(v, 10)) or 1, '1', '', '' end
  local n, d = string.match(head, '^(%d+):(%d)$')
  return tonumber(n) or 1, d or '1', pend, cal
end
local function changing(n, d, pend, cal) return 'changing:' .. n .. ':' .. d .. '|' .. pend .. '|' .. cal end
local function keep(key, value)
  local ttl = redis.call('PTTL', key)
  if ttl < 1 then ttl = 1000 end
  redis.call('SET', key, value, 'PX', ttl)
end`;
/** Announces a change (calendarChanging). ARGV[1]: ms to live; ARGV[2]: the interval it may add, '' if unknown. */
const ANNOUNCE = `${PARSE_CHANGING}
local v = redis.call('GET', KEYS[1])
local n, d, pend, cal = 0, '0', '', ''
if v and string.sub(v, 1, 1) == '{' then cal = v end
if v and string.sub(v, 1, 9) == 'changing:' then n, d, pend, cal = parse(v) end
if ARGV[2] == '' then cal = '' elseif pend == '' then pend = ARGV[2] else pend = pend .. ',' .. ARGV[2] end
redis.call('SET', KEYS[1], changing(n + 1, d, pend, cal), 'PX', ARGV[1])
return n + 1`;
/**
 * After a change (calendarChanged). ARGV[3] '1': the caller announced it, and its announcement ends (the
 * count goes down; the key is only taken by the last writer out). A change that was not announced
 * leaves the announcements on, marked so that the last writer out reads the calendar again, and drops
 * their calendar (searches read the car meanwhile). When taken, the key gets ARGV[4] (the calendar the
 * last writer out read after its write) if no other change settled during its announcement: the
 * calendar is cached without a gap. Otherwise ARGV[1], a claim for a refill (deleted when ''); ARGV[2]:
 * seconds to live. Replies 'stored', 'claimed' (the caller reads and stores over its claim) or 'left'.
 */
const SETTLE = `${PARSE_CHANGING}
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 9) == 'changing:' then
  local n, d, pend, cal = parse(v)
  if ARGV[3] ~= '1' then keep(KEYS[1], changing(n, '1', pend, '')) return 'left' end
  if n > 1 then keep(KEYS[1], changing(n - 1, '1', pend, cal)) return 'left' end
  if d == '0' and ARGV[4] ~= '' then
    redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[2])
    return 'stored'
  end
end
if ARGV[1] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 'claimed'`;
/** Per car, not per location: a car's calendar goes with it when it moves. */
const calendarKey = (carId: string) => `fleet:cal:${carId}`;
/**
 * Compare-and-set of several keys at once: KEYS[i] is set to ARGV[2i+1] (with ARGV[1] seconds to live;
 * deleted for '') only while it still holds ARGV[2i] ('' for no value). The reply: one character per key, 1 set, 0 left
 * alone (a string, which every client and ioredis-mock's Lua hand back alike).
 */
const SET_IF_UNCHANGED = `
local out = {}
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local expected = ARGV[2 * i]
  if (expected == '' and not current) or current == expected then
    if ARGV[2 * i + 1] == '' then redis.call('DEL', key) else redis.call('SET', key, ARGV[2 * i + 1], 'EX', ARGV[1]) end
    out[i] = '1'
  else
    out[i] = '0'
  end
end
return table.concat(out)`;
const CAR_TTL_SECONDS = 300;

const generationKey = (location: string) => `fleet:gen:${location}`;
const dayGenerationKey = (location: string, day: number) => `fleet:gen:${location}:${day}`;
const DAY_MS = 86_400_000;
/** Longest window or change followed day by day; a longer one is treated as the whole location. */
const MAX_TRACKED_DAYS = 62;

/** UTC day numbers an interval touches (half-open), or undefined when too many to follow one by one. */
const daysOf = (interval: Interval): number[] | undefined => {
  const first = Math.floor(interval.fromMs / DAY_MS);
  const last = Math.ceil(interval.readyMs / DAY_MS) - 1;
  if (last - first + 1 > MAX_TRACKED_DAYS || last < first) return undefined;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
};

/**
 * How searches are cached. `calendar` (the default): runs of candidates per location and filters, and
 * each car's calendar apart (see the class). The page schemes, kept to measure against (bench:mixed):
 * `day`, a change of a car's calendar bumps the generation of each UTC day it touches at the location,
 * and a page is cached under the location's generation and those of its window's days; `location`,
 * every change bumps the location's generation.
 */
export type SearchCacheScheme = 'location' | 'day' | 'calendar';
/** A car's calendar as cached: its blocks (short form, ended ones left out). */
interface StoredCalendar {
  b: Record<string, ShortBlock>;
}
const storedCalendar = (blocks: Block[], nowMs: number): string => {
  const ended = new Set(endedBlocks(blocks, nowMs).map((b) => b.id));
  const stored: StoredCalendar = { b: Object.fromEntries(blocks.filter((b) => !ended.has(b.id)).map((b) => [b.id, toStoredBlock(b)])) };
  return JSON.stringify(stored);
};
const calendarOf = (json: string): Block[] =>
  Object.entries((JSON.parse(json) as StoredCalendar).b).map(([id, block]) => toBlock(id, block));
/** An interval an announced writer may add, as the announcement holds it (ANNOUNCE), and back as a block that takes the car. */
const pendingOf = (interval: Interval) => `${interval.fromMs}-${interval.readyMs}`;
const pendingBlocks = (pending: string): Block[] =>
  pending
    .split(',')
    .filter(Boolean)
    .map((span, i) => {
      const [fromMs, readyMs] = span.split('-').map(Number);
      return { id: `changing-${i}`, kind: 'maintenance', reason: 'a change under way', from: '', to: '', fromMs, readyMs };
    });
/** An announcement's pending intervals and calendar (see ANNOUNCE); no calendar when it kept none. */
const announcedCalendar = (value: string): Block[] | undefined => {
  const [, pending, calendar] = /^changing:[^|]*\|([^|]*)\|(.*)$/s.exec(value) ?? [];
  return calendar?.startsWith('{') ? [...calendarOf(calendar), ...pendingBlocks(pending)] : undefined;
};
/** Reads cars' calendars strongly (CarRepository.calendars). */
export type CalendarReader = (carIds: readonly string[]) => Promise<Map<string, Block[]>>;
const searchKey = (location: string, generation: string, queryKey: string) => `fleet:search:${location}:${generation}:${queryKey}`;
const candidatesKey = (location: string, generation: string, runKey: string) => `fleet:cand:${location}:${generation}:${runKey}`;
const carGenerationKey = (carId: string) => `fleet:cargen:${carId}`;
const carKey = (carId: string, generation: string) => `fleet:car:${carId}:${generation}`;

/**
 * The fleet cache in Redis.
 *
 * Scheme `calendar`: runs of search candidates are stored under the location's generation, which only
 * fleet edits bump (a booking never does). Each car's calendar is one key, `fleet:cal:<carId>`: its
 * blocks; `changing` while a writer is about to add a block (calendarChanging); `claim:<token>` while a
 * search that found none, or the writer after its change, reads it from DynamoDB. A calendar read is
 * stored only over the reader's own claim (a compare-and-set), and a change overwrites the claim, so a
 * calendar read before a change is never stored after it; with `changing` set before the write and
 * replaced after it, a search answered after the write (a client that saw the hold, then searched) never
 * gets the calendar from before it: no staleness window. With a reader, the writer refills the calendar
 * after its change (one strong read), so the next search finds it cached.
 *
 * Page schemes (`day`, `location`): searches are cached per location under generation numbers: the location's,
 * and (scheme `day`) those of the days the search's window covers; invalidating is an INCR of the
 * location's, or of the changed days', which makes the affected pages unreachable (old ones expire). A page
 * computed from a read that raced with a change is stored under the generation read *before* the
 * DynamoDB read, so it is never served after that change's invalidation. A car's details work the same
 * way, with a generation per car: a read that missed, raced with a change (a rating moved by the stream
 * aggregator, say) and stored the old details after the invalidation stores them where no one looks.
 *
 * Redis is optional: every failure is logged and behaves as a miss; DynamoDB answers instead.
 */
export class RedisFleetCache implements FleetCache {
  /**
   * Calendar reads by searches, for bench:mixed (a search counts as a hit only when every calendar was
   * cached): served from Redis (`announced`: of those, cars under an announced change, judged with its
   * interval), or read from DynamoDB because the key was absent (never stored, expired, dropped),
   * announced without a calendar kept (`changing`), claimed (a refill or another search's read in flight), or Redis failed.
   */
  readonly calendarReads = { cached: 0, announced: 0, absent: 0, changing: 0, claimed: 0, failed: 0 };
  /** Runs of candidates looked up by searches: served from Redis, or read from DynamoDB (cold, or a fleet edit). */
  readonly candidateRuns = { cached: 0, read: 0 };

  constructor(
    private readonly redis: () => Promise<RedisCommands>,
    /** Settable so a benchmark can compare the schemes on the handlers' own instance (useSearchCacheScheme). */
    public scheme: SearchCacheScheme = 'calendar',
    /** Refills a car's calendar after a change (calendarChanged); without, the next search reads it. */
    private readonly readCalendars?: CalendarReader,
  ) {}

  get searchCaching(): 'candidates' | 'pages' {
    return this.scheme === 'calendar' ? 'candidates' : 'pages';
  }

  lookupCandidates(location: LocationCode, runKey: string) {
    return this.attempt(
      'lookupCandidates',
      async (redis) => {
        const generation = (await redis.get(generationKey(location))) ?? '0';
        const hit = await redis.get(candidatesKey(location, generation, runKey));
        this.candidateRuns[hit ? 'cached' : 'read']++;
        return { generation, run: hit ? (JSON.parse(hit) as CandidateRun) : undefined };
      },
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion sets attempt's result type
      {} as { run?: CandidateRun; generation?: string },
    );
  }

  async storeCandidates(location: LocationCode, runKey: string, generation: string | undefined, run: CandidateRun) {
    if (generation === undefined) return; // the lookup failed: do not store under a guessed generation
    await this.attempt(
      'storeCandidates',
      (redis) => redis.set(candidatesKey(location, generation, runKey), JSON.stringify(run), 'EX', SEARCH_TTL_SECONDS),
      null,
    );
  }

  async calendars(carIds: readonly string[], read: CalendarReader): Promise<{ calendars: Map<string, Block[]>; cached: boolean }> {
    if (carIds.length === 0) return { calendars: new Map(), cached: true };
    const keys = carIds.map(calendarKey);
    const values = await this.attempt('calendars', (redis) => redis.mget(...keys), undefined);
    if (!values) {
      this.calendarReads.failed += carIds.length;
      return { calendars: await read(carIds), cached: false };
    }
    const calendars = new Map<string, Block[]>();
    const missing: string[] = [];
    /** Only absent ones are claimed: `changing` or another's claim means read, store nothing. */
    const absent: string[] = [];
    values.forEach((value, i) => {
      const cached = value?.startsWith('{') ? calendarOf(value) : value?.startsWith('changing:') ? announcedCalendar(value) : undefined;
      if (cached) {
        this.calendarReads.cached++;
        if (!value!.startsWith('{')) this.calendarReads.announced++;
        calendars.set(carIds[i], cached);
        return;
      }
      missing.push(carIds[i]);
      if (value === null) absent.push(carIds[i]);
      this.calendarReads[value === null ? 'absent' : value.startsWith('changing:') ? 'changing' : 'claimed']++;
    });
    if (missing.length === 0) return { calendars, cached: true };
    const fresh = await this.readThrough(missing, absent, read);
    for (const carId of missing) calendars.set(carId, fresh.get(carId) ?? []);
    return { calendars, cached: false };
  }

  /**
   * Reads the cars' calendars and stores those of `absent` (no value in Redis) under a claim put in place
   * before the read: a change after the read overwrites the claim, and the stale read is not stored.
   */
  private async readThrough(carIds: readonly string[], absent: readonly string[], read: CalendarReader) {
    const claim = `claim:${randomUUID()}`;
    const claimed = await this.setIfUnchanged(absent.map((carId) => ({ key: calendarKey(carId), seen: '', value: claim })));
    const fresh = await read(carIds);
    const nowMs = Date.now();
    await this.setIfUnchanged(
      absent
        .filter((_, i) => claimed[i])
        .map((carId) => ({ key: calendarKey(carId), seen: claim, value: storedCalendar(fresh.get(carId) ?? [], nowMs) })),
    );
    return fresh;
  }

  /** SET_IF_UNCHANGED over the keys; nothing set (all false) when Redis fails. */
  private async setIfUnchanged(changes: Array<{ key: string; seen: string; value: string }>): Promise<boolean[]> {
    if (changes.length === 0) return [];
    const replies = await this.attempt(
      'setIfUnchanged',
      (redis) =>
        redis.eval(
          SET_IF_UNCHANGED,
          changes.length,
          ...changes.map((c) => c.key),
          CALENDAR_TTL_SECONDS,
          ...changes.flatMap((c) => [c.seen, c.value]),
        ),
      '',
    );
    return changes.map((_, i) => String(replies)[i] === '1');
  }

  async calendarChanging(carId: string, interval?: Interval) {
    await this.attempt(
      'calendarChanging',
      (redis) => redis.eval(ANNOUNCE, 1, calendarKey(carId), CHANGING_TTL_MS, interval ? pendingOf(interval) : ''),
      null,
    );
  }

  async calendarChanged(location: LocationCode, carId: string, interval?: Interval, announced = false) {
    // The page schemes know nothing of calendars: the pages of the changed time go.
    if (this.scheme !== 'calendar' && interval) await this.invalidateLocation(location, interval);
    const key = calendarKey(carId);
    const refill = this.readCalendars;
    // An announced writer reads the calendar after its write and before its announcement ends: stored as
    // it ends (unless another change settled meanwhile), so searches never find the car uncached.
    const early = announced && refill ? await this.readCalendar(refill, carId) : undefined;
    // Otherwise a claim replaces whatever was there (a calendar from before, a search's claim), unless
    // another writer's announcement is still on: the last writer out reads after its own write.
    const claim = refill ? `claim:${randomUUID()}` : '';
    const reply = await this.attempt(
      'calendarChanged',
      (redis) => redis.eval(SETTLE, 1, key, claim, CALENDAR_TTL_SECONDS, announced ? '1' : '0', early ?? ''),
      'left',
    );
    if (!refill || reply !== 'claimed') return;
    const fresh = await this.readCalendar(refill, carId);
    // Unread: the claim goes, and the next search reads the car instead.
    await this.setIfUnchanged([{ key, seen: claim, value: fresh ?? '' }]);
  }

  /** The car's calendar as stored, read strongly; undefined when the read failed (best effort). */
  private async readCalendar(read: CalendarReader, carId: string): Promise<string | undefined> {
    try {
      return storedCalendar((await read([carId])).get(carId) ?? [], Date.now());
    } catch (err) {
      logger.warn('could not read a car calendar after its change', { carId, error: (err as Error).message });
      return undefined;
    }
  }

  private async attempt<T>(what: string, work: (redis: RedisCommands) => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work(await this.redis());
    } catch (err) {
      logger.warn('fleet cache unavailable; answering without it', { what, error: (err as Error).message });
      return fallback;
    }
  }

  lookupSearch(location: LocationCode, queryKey: string, window?: Interval) {
    return this.attempt(
      'lookupSearch',
      async (redis) => {
        const days = this.scheme === 'day' && window ? (daysOf(window) ?? []) : [];
        const generations = await redis.mget(generationKey(location), ...days.map((day) => dayGenerationKey(location, day)));
        // The location's generation, then a digest of the days' (a page key stays short for a long window).
        const [own, ...ofDays] = generations.map((g) => g ?? '0');
        const generation = ofDays.length ? `${own}.${createHash('sha1').update(ofDays.join('.')).digest('base64url').slice(0, 12)}` : own;
        const hit = await redis.get(searchKey(location, generation, queryKey));
        return { generation, page: hit ? (JSON.parse(hit) as SearchResultPage) : undefined };
      },
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion sets attempt's result type
      {} as { page?: SearchResultPage; generation?: string },
    );
  }

  async storeSearch(location: LocationCode, queryKey: string, generation: string | undefined, page: SearchResultPage) {
    if (generation === undefined) return; // the lookup failed: do not store under a guessed generation
    await this.attempt(
      'storeSearch',
      (redis) => redis.set(searchKey(location, generation, queryKey), JSON.stringify(page), 'EX', SEARCH_TTL_SECONDS),
      null,
    );
  }

  async invalidateLocation(location: LocationCode, interval?: Interval) {
    const days = this.scheme === 'day' && interval ? daysOf(interval) : undefined;
    await this.attempt(
      'invalidateLocation',
      async (redis) => {
        if (!days) return redis.incr(generationKey(location));
        const transaction = redis.multi();
        for (const day of days) transaction.incr(dayGenerationKey(location, day));
        return transaction.exec();
      },
      0,
    );
  }

  lookupCar(carId: string) {
    return this.attempt(
      'lookupCar',
      async (redis) => {
        const generation = (await redis.get(carGenerationKey(carId))) ?? '0';
        const hit = await redis.get(carKey(carId, generation));
        return { generation, details: hit ? (JSON.parse(hit) as { car: Car; photos: Photo[] }) : undefined };
      },
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion sets attempt's result type
      {} as { details?: { car: Car; photos: Photo[] }; generation?: string },
    );
  }

  async storeCar(carId: string, generation: string | undefined, details: { car: Car; photos: Photo[] }) {
    if (generation === undefined) return; // the lookup failed: do not store under a guessed generation
    await this.attempt('storeCar', (redis) => redis.set(carKey(carId, generation), JSON.stringify(details), 'EX', CAR_TTL_SECONDS), null);
  }

  async invalidateCar(carId: string) {
    await this.attempt('invalidateCar', (redis) => redis.incr(carGenerationKey(carId)), 0);
  }
}
