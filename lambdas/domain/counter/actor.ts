import type { LocationCode } from '../fleet/catalog';

/**
 * Who acts at the counter (pick-up, return), as the "acts as" rule grants it (http/principal.ts,
 * counterActorOf): an admin acts everywhere; a counter agent at the locations they were appointed to
 * (PUT /v2/users/{userId}/agent), and nowhere once their appointment ended.
 */
export interface CounterActor {
  userId: string;
  isAdmin: boolean;
  /** An agent's locations; empty for an admin (who needs none) and for anyone else. */
  locations: readonly LocationCode[];
}

/** May this actor hand over or take back a car at `location` (a reservation's pick-up or return location)? */
export const mayActAt = (actor: CounterActor, location: LocationCode): boolean => actor.isAdmin || actor.locations.includes(location);
