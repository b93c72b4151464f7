import type { LocationCode } from '../fleet/catalog';

/**
 * Who acts at the counter: an agent, bound to the locations they work at, or an admin (anywhere). Decided
 * at the edge by the one "acts as" rule (http/principal.ts `counterActorOf`): group and TOTP MFA.
 */
export interface CounterActor {
  userId: string;
  isAdmin: boolean;
  /** The locations an agent acts at (none for an admin, who acts everywhere). */
  locations: readonly LocationCode[];
}

/** May the actor hand over or take back a car at this location? */
export const mayActAt = (actor: CounterActor, location: LocationCode): boolean => actor.isAdmin || actor.locations.includes(location);
