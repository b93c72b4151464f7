import { accountIdentities } from '../../adapters/accounts/identities';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { setupMfa } from '../../domain/accounts/mfa';
import { httpHandler } from '../../http/handler';
import { callerOf } from './presenter';

export const handler = httpHandler(routes.setupMfa, async ({ principal, headers }) => ({
  body: await setupMfa({ identities: accountIdentities() }, callerOf(principal), headers['x-access-token']),
}));
