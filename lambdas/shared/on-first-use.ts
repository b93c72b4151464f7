/**
 * A value made on first use and kept for the function instance's life: an SDK client that only some
 * requests need (imported then, not at cold start), a connection pool, the payment gateways. Concurrent
 * first calls share one attempt; a failed attempt is forgotten, so the next call tries again instead of
 * failing for the rest of the instance's life.
 */
export const onFirstUse = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => {
    if (!made) {
      const attempt = make();
      made = attempt;
      attempt.catch(() => {
        if (made === attempt) made = undefined;
      });
    }
    return made;
  };
};
