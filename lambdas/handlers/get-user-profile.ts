import { accountProfiles } from '../adapters/accounts/profiles';
import { routes } from '../api/routes';
import { getProfile } from '../domain/accounts/profile';
import { httpHandler } from '../http/handler';

export const handler = httpHandler(routes.getUserProfile, async ({ params }) => ({
  body: await getProfile({ profiles: accountProfiles() }, params.userId),
}));
