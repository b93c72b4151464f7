import type { LocationCode } from '../fleet/catalog';
import type { IdentityProvider } from './ports';

export interface AgentDeps {
  identities: IdentityProvider;
}

export interface AgentAppointment {
  userId: string;
  locations: LocationCode[];
}

/**
 * An admin appoints a user a counter agent at `locations` (replacing the ones they had), or changes an
 * agent's locations. It takes effect at the agent's next sign-in: their ID token carries the group and
 * the locations from then on (http/principal.ts reads them there), and acting as agent needs TOTP MFA
 * on, as for admins. Throws notFound for an unknown user.
 */
export const appointAgent = async (deps: AgentDeps, userId: string, locations: readonly LocationCode[]): Promise<AgentAppointment> => {
  // The route's schema refuses duplicates; a caller without it still records each location once.
  const unique = [...new Set(locations)];
  await deps.identities.appointAgent(userId, unique);
  return { userId, locations: unique };
};

/**
 * Ends an appointment: the user acts as agent nowhere once their token is renewed (a token issued
 * before still carries the role until it expires: an hour in AWS). Idempotent; notFound for an unknown user.
 */
export const dismissAgent = async (deps: AgentDeps, userId: string): Promise<void> => {
  await deps.identities.dismissAgent(userId);
};
