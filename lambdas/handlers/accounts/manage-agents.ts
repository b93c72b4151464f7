import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { accountIdentities } from '../../adapters/accounts/identities';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { appointAgent, dismissAgent } from '../../domain/accounts/agents';
import { httpHandler } from '../../http/handler';

const deps = () => ({ identities: accountIdentities() });

const appoint = httpHandler(routes.appointAgent, async ({ params, body }) => ({
  body: await appointAgent(deps(), params.userId, body.locations),
}));

const dismiss = httpHandler(routes.dismissAgent, async ({ params }) => {
  await dismissAgent(deps(), params.userId);
  return { status: 204 };
});

/** One function serves both agent routes; API Gateway's method says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.httpMethod === 'DELETE' ? dismiss : appoint)(event, context);
