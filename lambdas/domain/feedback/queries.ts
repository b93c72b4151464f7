import { forbidden, notFound } from '../../shared/errors';
import type { Actor } from '../bookings/lifecycle';
import type { Page } from '../bookings/ports';
import type { Car } from '../fleet/car';
import type { Feedback } from './feedback';
import type { FeedbackDeps } from './ports';
import type { RatingTotals } from './ratings';

/** A car's rating as it stands (the aggregator's totals on the car item). */
export const ratingOf = (car: Pick<Car, 'ratingCount' | 'ratingTotal' | 'ratingStars'>): RatingTotals => ({
  count: car.ratingCount,
  total: car.ratingTotal,
  stars: car.ratingStars,
});

/** Public: a car's visible feedback, newest first, with its rating totals. */
export const carFeedback = async (
  deps: Pick<FeedbackDeps, 'cars' | 'feedback'>,
  carId: string,
  options: { limit: number; cursor?: string },
): Promise<{ rating: RatingTotals; page: Page<Feedback> }> => {
  const car = await deps.cars.get(carId);
  if (!car || car.status !== 'active') throw notFound(`Car ${carId}`);
  return { rating: ratingOf(car), page: await deps.feedback.listByCar(carId, options) };
};

/** Everything a user wrote, hidden feedback included: that user or an admin only. */
export const userFeedback = (
  deps: Pick<FeedbackDeps, 'feedback'>,
  actor: Actor,
  userId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<Feedback>> => {
  if (!actor.isAdmin && actor.userId !== userId) throw forbidden('You can only see your own feedback.');
  return deps.feedback.listByUser(userId, options);
};
