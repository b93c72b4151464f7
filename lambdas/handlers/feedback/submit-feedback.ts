import { randomUUID } from 'node:crypto';
import { accountProfiles } from '../../adapters/accounts/profiles';
import { reservationStore } from '../../adapters/bookings';
import { feedbackStore } from '../../adapters/feedback';
import { feedbackRoutes as routes } from '../../api/routes/feedback';
import { submitFeedback } from '../../domain/feedback/submit';
import { httpHandler } from '../../http/handler';
import { clock } from '../../shared/clock';
import { actorOf } from '../../http/principal';

const profiles = accountProfiles();
const deps = {
  feedback: feedbackStore(),
  reservations: reservationStore(),
  reviewers: { nameOf: async (userId: string) => (await profiles.get(userId))?.name },
  clock,
  newId: randomUUID,
};

export const handler = httpHandler(routes.submitFeedback, async ({ body, principal }) => {
  const feedback = await submitFeedback(deps, {
    userId: actorOf(principal).userId,
    claimedUserId: body.userId,
    reservationId: body.reservationId,
    rating: body.rating,
    comments: body.comments,
  });
  return { status: 201, body: { feedbackId: feedback.feedbackId, message: 'Feedback submitted successfully' } };
});
