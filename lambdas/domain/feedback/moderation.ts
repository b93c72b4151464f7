import { notFound } from '../../shared/errors';
import type { Actor } from '../bookings/lifecycle';
import type { Feedback } from './feedback';
import type { FeedbackStore } from './ports';
import type { Clock } from '../../shared/clock';

const ATTEMPTS = 3;

/**
 * An admin hides a feedback (with a reason) or shows it again. Hiding what is hidden, or showing what is
 * visible, changes nothing and answers with the feedback as it is, so a retried request is harmless.
 */
export const moderateFeedback = async (
  deps: { feedback: FeedbackStore; clock: Clock },
  admin: Actor,
  feedbackId: string,
  action: { hide: true; reason: string } | { hide: false },
): Promise<Feedback> => {
  for (let attempt = 0; ; attempt++) {
    const current = await deps.feedback.get(feedbackId);
    if (!current) throw notFound(`Feedback ${feedbackId}`);
    if (action.hide === Boolean(current.hidden)) return current;
    const now = deps.clock.now();
    const hidden = action.hide ? { reason: action.reason, by: admin.userId, at: now.toISOString() } : undefined;
    if (await deps.feedback.setHidden(current, hidden, now)) {
      return { ...current, hidden, version: current.version + 1, updatedAt: now.toISOString() };
    }
    // Another moderation landed in between: look again (a few times, then let the client retry).
    if (attempt + 1 >= ATTEMPTS) throw new Error(`feedback ${feedbackId} kept changing during moderation`);
  }
};
