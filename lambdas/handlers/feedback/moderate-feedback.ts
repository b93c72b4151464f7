import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { feedbackReader } from '../../adapters/feedback';
import { feedbackRoutes as routes } from '../../api/routes/feedback';
import { moderateFeedback } from '../../domain/feedback/moderation';
import { httpHandler } from '../../http/handler';
import { clock } from '../../shared/clock';
import { actorOf } from '../../http/principal';
import { presentFeedback } from './presenter';

const deps = { feedback: feedbackReader(), clock };

const hide = httpHandler(routes.hideFeedback, async ({ params, body, principal }) => ({
  body: presentFeedback(await moderateFeedback(deps, actorOf(principal), params.feedbackId, { hide: true, reason: body.reason })),
}));

const unhide = httpHandler(routes.unhideFeedback, async ({ params, principal }) => ({
  body: presentFeedback(await moderateFeedback(deps, actorOf(principal), params.feedbackId, { hide: false })),
}));

/** One function serves both moderation routes; the path's last segment says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.resource?.endsWith('/unhide') || event.path?.endsWith('/unhide') ? unhide : hide)(event, context);
