/**
 * A value made on first use and kept for the function instance's life: an SDK client that only some
 * requests need (imported then, not at cold start), a connection pool, the payment gateways. Concurrent
 * first calls share one attempt; a failed attempt is forgotten, so the next call tries again instead of
 * failing for the rest of the instance's life.
 */
export interface FirstUse<T> {
  (): Promise<T>;
  /**
   * Drops the value (or the attempt under way), so the next call makes a new one: a client that gave up
   * reconnecting, a pool being closed, a test swapping the factory. Returns what it held, to close it.
   */
  forget(): Promise<T> | undefined;
}

export const onFirstUse = <T>(make: () => Promise<T>): FirstUse<T> => {
  let made: Promise<T> | undefined;
  const value = () => {
    if (!made) {
      const attempt = make();
      made = attempt;
      // Only this attempt is dropped: a newer one (after `forget`) stays.
      attempt.catch(() => {
        if (made === attempt) made = undefined;
      });
    }
    return made;
  };
  const forget = () => {
    const held = made;
    made = undefined;
    return held;
  };
  return Object.assign(value, { forget });
};
