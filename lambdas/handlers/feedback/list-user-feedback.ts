import { cursorKey } from '../../adapters/cursor-key';
import { feedbackReader } from '../../adapters/feedback';
import { feedbackRoutes as routes } from '../../api/routes/feedback';
import { userFeedback } from '../../domain/feedback/queries';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentFeedback } from './presenter';

const deps = { feedback: feedbackReader() };

export const handler = httpHandler(
  routes.listUserFeedback,
  async ({ params, query, principal }) => {
    const page = await userFeedback(deps, actorOf(principal), params.userId, query);
    return { body: { feedback: page.items.map(presentFeedback), nextCursor: page.nextCursor ?? null } };
  },
  { cursorKey },
);
