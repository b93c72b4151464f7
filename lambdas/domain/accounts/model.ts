/** What the accounts domain knows about a user. No AWS types here: adapters translate. */
import type { Role } from '../../shared/auth-claims';

/** The user's group: one of USER_GROUPS, which the pool, the tokens and the admin check share. */
export type { Role };

export interface Profile {
  /** The Cognito `sub`. */
  userId: string;
  /** Lower-cased: addresses are unique regardless of case. */
  email: string;
  name: string;
  /** E.164. Optional for admins created by `admin:create`; customers always give one. */
  phoneNumber?: string;
  address?: string;
  role: Role;
  mfaEnabled: boolean;
  /** The owner proved the email is theirs (the emailed code); admins are created verified. */
  emailVerified: boolean;
  /** `YYYY-MM-DD`. Driver details (PII: driver-details.ts) are optional; a rental's rules say when it needs them. */
  dateOfBirth?: string;
  licence?: Licence;
  createdAt: string;
  updatedAt: string;
}

/** A driving licence as its holder gives it. */
export interface Licence {
  /** Trimmed; 1 to 32 letters, digits, spaces and hyphens. */
  number: string;
  /** Issuing country, ISO 3166-1 alpha-2 (countries.ts). */
  country: string;
  /** `YYYY-MM-DD`: the last day the licence is valid. */
  expiresOn: string;
}

/** What the driver rules (eligibility.ts) read of a profile. */
export type DriverDetails = Pick<Profile, 'dateOfBirth' | 'licence'>;

/** The fields an owner changes; `null` removes a driver detail (the owner may take their PII back out). */
export type ProfileChanges = Partial<Pick<Profile, 'name' | 'phoneNumber' | 'address'>> & {
  dateOfBirth?: string | null;
  licence?: Licence | null;
};

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  phoneNumber?: string;
  address?: string;
}

/** Tokens of a signed-in session. `idToken` is the bearer token every protected route accepts. */
export interface SessionTokens {
  userId: string;
  idToken: string;
  /** Cognito access token: needed only to enrol an authenticator (Cognito has no admin API for it). */
  accessToken: string;
  /** Absent on refresh: Cognito keeps the refresh token it issued at sign-in. */
  refreshToken?: string;
  expiresIn: number;
}

export type SignInResult = { kind: 'signedIn'; tokens: SessionTokens } | { kind: 'mfaRequired'; session: string };

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
