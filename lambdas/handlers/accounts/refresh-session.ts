import { accountIdentities } from '../../adapters/accounts/identities';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { refreshSession } from '../../domain/accounts/session';
import { httpHandler } from '../../http/handler';
import { sessionBody, tokenReply } from './presenter';

export const handler = httpHandler(routes.refreshSession, async ({ body }) =>
  tokenReply(sessionBody(await refreshSession({ identities: accountIdentities() }, body.refreshToken))),
);
