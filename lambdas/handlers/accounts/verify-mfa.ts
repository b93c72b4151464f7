import { accountIdentities } from '../../adapters/accounts/identities';
import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { verifyMfa } from '../../domain/accounts/mfa';
import { httpHandler } from '../../http/handler';
import { callerOf } from './presenter';

export const handler = httpHandler(routes.verifyMfa, async ({ principal, headers, body }) => ({
  body: await verifyMfa(
    { identities: accountIdentities(), profiles: accountProfiles() },
    callerOf(principal),
    headers['x-access-token'],
    body.code,
  ),
}));
