import { accountIdentities } from '../../adapters/accounts/identities';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { logout } from '../../domain/accounts/session';
import { httpHandler } from '../../http/handler';

export const handler = httpHandler(routes.logoutUser, async ({ body }) => {
  await logout({ identities: accountIdentities() }, body.refreshToken);
  return { status: 204 };
});
