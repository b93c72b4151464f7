import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { getProfile } from '../../domain/accounts/profile';
import { byVersion, httpHandler } from '../../http/handler';
import type { Principal } from '../../http/principal';
import { callerOf, v1Profile } from './presenter';

const myProfile = (principal: Principal | undefined) => getProfile({ profiles: accountProfiles() }, callerOf(principal).userId);

export const handler = byVersion({
  v1: httpHandler(routes.getMyProfile, async ({ principal }) => ({ body: v1Profile(await myProfile(principal)) })),
  v2: httpHandler(routes.getMyDriverProfile, async ({ principal }) => ({ body: await myProfile(principal) })),
});
