import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { updateProfile } from '../../domain/accounts/profile';
import { httpHandler } from '../../http/handler';
import { callerOf } from './presenter';

export const handler = httpHandler(routes.updateMyProfile, async ({ principal, body }) => ({
  body: await updateProfile({ profiles: accountProfiles() }, callerOf(principal).userId, body),
}));
