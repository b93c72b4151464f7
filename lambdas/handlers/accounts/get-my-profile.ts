import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { getProfile } from '../../domain/accounts/profile';
import { httpHandler } from '../../http/handler';
import { callerOf } from './presenter';

export const handler = httpHandler(routes.getMyProfile, async ({ principal }) => ({
  body: await getProfile({ profiles: accountProfiles() }, callerOf(principal).userId),
}));
