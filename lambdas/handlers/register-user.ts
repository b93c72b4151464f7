import { accountIdentities } from '../adapters/accounts/identities';
import { accountProfiles } from '../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../api/routes/accounts';
import { registerCustomer } from '../domain/accounts/register';
import { httpHandler } from '../http/handler';

export const handler = httpHandler(routes.registerUser, async ({ body }) => ({
  status: 201,
  body: await registerCustomer({ identities: accountIdentities(), profiles: accountProfiles() }, body),
}));
