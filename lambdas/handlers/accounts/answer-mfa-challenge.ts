import { accountIdentities } from '../../adapters/accounts/identities';
import { loginAttempts } from '../../adapters/accounts/login-attempts';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { answerMfaChallenge } from '../../domain/accounts/session';
import { httpHandler } from '../../http/handler';
import { countSignIn } from '../../shared/business-metrics';
import { sessionBody, tokenReply } from './presenter';

export const handler = httpHandler(routes.answerMfaChallenge, async ({ body, sourceIp }) =>
  tokenReply(
    sessionBody(
      await countSignIn(
        answerMfaChallenge({ identities: accountIdentities(), attempts: loginAttempts() }, body.session, body.code, sourceIp),
      ),
    ),
  ),
);
