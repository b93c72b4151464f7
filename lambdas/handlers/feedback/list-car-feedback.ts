import { cursorKey } from '../../adapters/cursor-key';
import { feedbackReader } from '../../adapters/feedback';
import { carRepository } from '../../adapters/fleet';
import { feedbackRoutes as routes } from '../../api/routes/feedback';
import { carFeedback } from '../../domain/feedback/queries';
import { httpHandler } from '../../http/handler';
import { presentCarFeedback } from './presenter';

const deps = { feedback: feedbackReader(), cars: carRepository() };

export const handler = httpHandler(
  routes.listCarFeedback,
  async ({ params, query }) => ({
    body: presentCarFeedback(params.carId, await carFeedback(deps, params.carId, query)),
  }),
  { cursorKey },
);
