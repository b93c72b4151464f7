import { notFound } from '../../shared/errors';
import type { Profile, ProfileChanges } from './model';
import { clock as sharedClock, type Clock } from '../../shared/clock';
import { type ProfileStore } from './ports';

export interface ProfileDeps {
  profiles: ProfileStore;
  clock?: Clock;
}

export const getProfile = async (deps: ProfileDeps, userId: string): Promise<Profile> => {
  const profile = await deps.profiles.get(userId);
  if (!profile) throw notFound('User');
  return profile;
};

/**
 * Only name, phone number, address and (v2) the driver details are writable: the schemas refuse anything
 * else (email, role...) and check the values (a date of birth 16 to 120 years back: driver-details.ts).
 * `null` removes a driver detail.
 */
export const updateProfile = (deps: ProfileDeps, userId: string, changes: ProfileChanges): Promise<Profile> =>
  deps.profiles.update(userId, changes, (deps.clock ?? sharedClock).now());
