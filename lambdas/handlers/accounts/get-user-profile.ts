import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { getProfile } from '../../domain/accounts/profile';
import { httpHandler } from '../../http/handler';

export const handler = httpHandler(routes.getUserProfile, async ({ params }) => ({
  body: await getProfile({ profiles: accountProfiles() }, params.userId),
}));
