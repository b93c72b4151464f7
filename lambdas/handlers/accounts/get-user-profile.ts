import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { getProfile } from '../../domain/accounts/profile';
import { byVersion, httpHandler } from '../../http/handler';
import { v1Profile } from './presenter';

const profileOf = (userId: string) => getProfile({ profiles: accountProfiles() }, userId);

/** Admins (support) read any profile; v2 shows the driver details as well. */
export const handler = byVersion({
  v1: httpHandler(routes.getUserProfile, async ({ params }) => ({ body: v1Profile(await profileOf(params.userId)) })),
  v2: httpHandler(routes.getUserDriverProfile, async ({ params }) => ({ body: await profileOf(params.userId) })),
});
