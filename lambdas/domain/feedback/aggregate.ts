import { logger } from '../../shared/logger';
import type { AggregatorDeps } from './ports';
import { deltaOf, isZero } from './ratings';

/** One change of a feedback item, as its stream record tells it. */
export interface FeedbackChange {
  feedbackId: string;
  carId: string;
  /** The item's version after the change (a removal is one past the last version). */
  version: number;
  /** The stars it contributes after the change (undefined: hidden or removed). */
  contribution?: number;
}

const ATTEMPTS = 5;

/**
 * Moves a car's rating totals by what one feedback change means for them, exactly once: the ledger's
 * mark per feedback records the version and contribution last applied, and the totals move by the
 * difference from that mark, in the same transaction that moves the mark. A redelivered or older change
 * finds a mark at its version or later and does nothing; changes applied in any order end in the totals
 * of the latest version. Then the car's cached details and its location's cached searches are dropped.
 */
export const applyFeedbackChange = async (deps: AggregatorDeps, change: FeedbackChange): Promise<'applied' | 'stale'> => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const seen = await deps.ledger.mark(change.feedbackId);
    if (seen && seen.version >= change.version) return 'stale';
    const delta = deltaOf(seen?.contribution, change.contribution);
    const next = { version: change.version, contribution: change.contribution };
    if (await deps.ledger.commit(change.carId, change.feedbackId, seen, next, delta)) {
      if (!isZero(delta)) {
        const car = await deps.cars.get(change.carId);
        await Promise.all([deps.cache.invalidateCar(change.carId), car ? deps.cache.invalidateLocation(car.location) : undefined]);
      }
      return 'applied';
    }
    logger.info('rating mark moved meanwhile; reading it again', { feedbackId: change.feedbackId, attempt });
  }
  // Thrown, the record is reported as failed and comes back (the event source retries it in order).
  throw new Error(`rating mark of feedback ${change.feedbackId} kept moving; retry later`);
};
