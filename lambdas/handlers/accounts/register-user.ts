import { emailCodes } from '../../adapters/accounts/email-codes';
import { accountIdentities } from '../../adapters/accounts/identities';
import { loginAttempts } from '../../adapters/accounts/login-attempts';
import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountMailer } from '../../adapters/notifications/account-mailer';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { registerCustomer } from '../../domain/accounts/register';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';

export const handler = httpHandler(routes.registerUser, async ({ body, sourceIp }) => {
  const registered = await registerCustomer(
    {
      identities: accountIdentities(),
      profiles: accountProfiles(),
      codes: emailCodes(),
      mailer: accountMailer(),
      attempts: loginAttempts(),
    },
    body,
    sourceIp,
  );
  countEvent('Registrations');
  return { status: 201, body: registered };
});
