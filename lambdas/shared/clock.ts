/**
 * The one source of time. Use cases take a `Clock` in their dependencies; module-level code (schema
 * refinements, adapters) reads `clock`. Tests and the local runtime replace it with `useClock` to move
 * time forward (expire a hold, complete a rental) without waiting; nothing deployed can change it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

/** Delegates to whatever clock is in use, so holders of this object see a later `useClock`. */
export const clock: Clock = { now: () => current.now() };

export const useClock = (next: Clock = systemClock): void => {
  current = next;
};

/** A clock that runs with real time, shifted by an offset that can only grow (the local runtime's). */
export class ShiftedClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('The clock only moves forward.');
    this.offsetMs += ms;
  }
  get offset(): number {
    return this.offsetMs;
  }
}
