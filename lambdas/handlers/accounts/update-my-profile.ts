import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import type { ProfileChanges } from '../../domain/accounts/model';
import { updateProfile } from '../../domain/accounts/profile';
import { byVersion, httpHandler } from '../../http/handler';
import type { Principal } from '../../http/principal';
import { callerOf, v1Profile } from './presenter';

const update = (principal: Principal | undefined, changes: ProfileChanges) =>
  updateProfile({ profiles: accountProfiles() }, callerOf(principal).userId, changes);

/** v1's PUT changes name, phone and address; v2's PATCH the driver details too. One use case. */
export const handler = byVersion({
  v1: httpHandler(routes.updateMyProfile, async ({ principal, body }) => ({ body: v1Profile(await update(principal, body)) })),
  v2: httpHandler(routes.updateMyDriverProfile, async ({ principal, body }) => ({ body: await update(principal, body) })),
});
