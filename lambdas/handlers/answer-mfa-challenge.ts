import { accountIdentities } from '../adapters/accounts/identities';
import { accountsRoutes as routes } from '../api/routes/accounts';
import { answerMfaChallenge } from '../domain/accounts/session';
import { httpHandler } from '../http/handler';
import { sessionBody } from './accounts-presenter';

export const handler = httpHandler(routes.answerMfaChallenge, async ({ body }) => ({
  body: sessionBody(await answerMfaChallenge({ identities: accountIdentities() }, body.session, body.code)),
}));
