import { accountIdentities } from '../../adapters/accounts/identities';
import { loginAttempts } from '../../adapters/accounts/login-attempts';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { login } from '../../domain/accounts/session';
import { httpHandler } from '../../http/handler';
import { countSignIn } from '../../shared/business-metrics';
import { sessionBody, tokenReply } from './presenter';

export const handler = httpHandler(routes.loginUser, async ({ body, sourceIp }) => {
  const outcome = await countSignIn(
    login({ identities: accountIdentities(), attempts: loginAttempts() }, body.email, body.password, sourceIp),
    (result) => result.kind === 'signedIn', // an MFA challenge signs in when its code is answered
  );
  if (outcome.kind === 'signedIn') return tokenReply(sessionBody(outcome.tokens));
  return tokenReply({
    challenge: 'SOFTWARE_TOKEN_MFA',
    session: outcome.session,
    message: 'Send this session with the code from your authenticator app to POST /v1/users/login/mfa.',
  });
});
